/**
 * The schemas a gateway checks client frames against: one per `op` (the protocol's `ClientFrameSchemas`), the
 * frame id, and the envelope every frame shares (an object, `op` a string, `id` valid), which tells a bad frame
 * which answer it gets (decode.ts). Ajv compiles them into frame-validators.generated.ts ahead of time
 * (`npm run generate:frames`), so a gateway never loads Ajv's compiler (issue 6, part 6).
 */
import { Type } from '@sinclair/typebox';
import { ClientFrameSchemas, FrameId } from '@lightstick/protocol';

/** What every frame shares, checked in this order: an object, `op` present, `op` a string, `id` valid. */
export const FrameEnvelope = Type.Object({ op: Type.String(), id: Type.Optional(FrameId) });

/**
 * How the checks treat a frame: unknown fields are dropped at every depth, whatever the schema says about them
 * (`removeAdditional: 'all'`), so a frame that passes holds only the fields its schema knows; the first error only.
 */
export const FRAME_AJV_OPTIONS = {
  removeAdditional: 'all',
  allErrors: false,
  coerceTypes: false,
  strict: true,
} as const;

export { ClientFrameSchemas, FrameId };
