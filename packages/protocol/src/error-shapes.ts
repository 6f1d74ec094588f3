/**
 * The error registry as a schema: `ErrorFrame.code` and `HttpError.error.code` are typed as `ErrorCode`, so
 * a code that is not in `codes.ts` (and docs/errors.md) does not compile.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ErrorCode } from './codes.ts';
import { StringEnum } from './kit.ts';

export const ErrorCodeSchema = StringEnum(Object.values(ErrorCode), {
  description: 'A stable code from docs/errors.md: act on it; `message` is for people',
});

/** Every HTTP error answer. */
export const HttpError = Type.Object(
  {
    error: Type.Object({
      code: ErrorCodeSchema,
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { description: 'Every error answer: a stable code from docs/errors.md and a human message.' },
);
export type HttpError = Static<typeof HttpError>;
