/**
 * Validates client frames against the protocol's schemas (`ClientFrameSchemas`, gateway/frame-schemas.ts), with
 * the validators Ajv compiled from them ahead of time (frame-validators.generated.ts). Every failure is an answer
 * with a stable code and, when the frame had a valid one, its id: not JSON, not an object or no `op` ->
 * bad_frame; an `op` that is not a string, a bad `id` or a field of the wrong type -> validation_failed, naming
 * the field; an unknown `op` -> unknown_op. A frame that passes holds only the fields its schema knows (the
 * validators remove the rest), so nothing unexpected travels further.
 *
 * The hot path is one Map look-up and one compiled validator (bench/decode.ts); working out which answer a
 * bad frame gets runs only for bad frames.
 */
import type { ErrorObject } from 'ajv';
import type { ClientFrame } from '@lightstick/protocol';
import * as generated from './frame-validators.generated.ts';

export type Decoded =
  { ok: true; frame: ClientFrame } | { ok: false; code: DecodeError; message: string; id?: number };
export type DecodeError = 'bad_frame' | 'unknown_op' | 'validation_failed';

/** A validator as Ajv generates it: true or false, and the first error left on `errors`. */
interface Validate<T> {
  (data: unknown): data is T;
  errors?: ErrorObject[] | null;
}

const byOp = new Map<string, Validate<ClientFrame>>(
  Object.entries(generated.byOp as unknown as Record<string, Validate<ClientFrame>>),
);
const validId = generated.frameId as unknown as Validate<number>;
const validEnvelope = generated.envelope as unknown as Validate<{ op: string; id?: number }>;

/** The heartbeat's answer as the SDK writes it (`JSON.stringify({ op: 'pong' })`). */
const PONG = Buffer.from('{"op":"pong"}');

/**
 * Whether a frame is exactly the SDK's `pong`, which needs no decoding: it only proves the client is there. Every
 * connection sends one per heartbeat, so a gateway holding 17 000 quiet fans reads ~700 a second; another
 * spelling of a pong (spaces, an `id`) is decoded as any frame.
 */
export function isPlainPong(data: Buffer, isBinary: boolean): boolean {
  return !isBinary && data.length === PONG.length && data.equals(PONG);
}

export function decodeFrame(data: Buffer | string, isBinary: boolean): Decoded {
  if (isBinary) return { ok: false, code: 'bad_frame', message: 'Frames are JSON text' };
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { ok: false, code: 'bad_frame', message: 'Frame is not valid JSON' };
  }
  const op = (value as { op?: unknown } | null)?.op;
  const validate = typeof op === 'string' ? byOp.get(op) : undefined;
  if (validate?.(value)) return { ok: true, frame: value };
  return refuse(value, validate);
}

/** The answer for a frame that did not pass: which rule it broke first, and its id when that was valid. */
function refuse(value: unknown, validate: Validate<ClientFrame> | undefined): Decoded {
  const raw = (value as { id?: unknown } | null)?.id;
  const id = validId(raw) ? raw : undefined;
  const fail = (code: DecodeError, message: string): Decoded =>
    id === undefined ? { ok: false, code, message } : { ok: false, code, message, id };
  // A known op with a valid id (or none) broke a rule of its own schema; the rest needs the envelope.
  if (validate !== undefined && (raw === undefined || id !== undefined)) {
    return fail('validation_failed', describe(validate.errors?.[0]));
  }
  if (!validEnvelope(value)) {
    const err = validEnvelope.errors?.[0];
    if (err?.keyword === 'type' && err.instancePath === '')
      return fail('bad_frame', 'Frame must be a JSON object');
    if (err?.keyword === 'required') return fail('bad_frame', 'Frame has no op');
    return fail('validation_failed', describe(err));
  }
  if (validate === undefined) return fail('unknown_op', `Unknown op: ${value.op.slice(0, 32)}`);
  return fail('validation_failed', describe(validate.errors?.[0]));
}

/** "room must NOT have fewer than 1 characters", "since.offset must be >= 0", "id is required". */
function describe(err: ErrorObject | undefined): string {
  if (err === undefined) return 'Frame is not valid';
  const path = err.instancePath.slice(1).replaceAll('/', '.');
  if (err.keyword === 'required') {
    const missing = (err.params as { missingProperty: string }).missingProperty;
    return `${path ? `${path}.` : ''}${missing} is required`;
  }
  return `${path || 'frame'} ${err.message ?? 'is not valid'}`;
}
