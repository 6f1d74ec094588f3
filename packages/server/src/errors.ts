/**
 * The one registry of stable error codes (with their HTTP status) and close codes.
 * Codes come from @lightstick/protocol so server, client and web agree; docs/errors.md mirrors this file.
 */
import { ErrorCode, CloseCode } from '@lightstick/protocol';

export { ErrorCode, CloseCode };

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  bad_frame: 400,
  unknown_op: 400,
  validation_failed: 400,
  unauthenticated: 401,
  token_expired: 401,
  token_invalid: 401,
  invalid_credentials: 401,
  refresh_reused: 401,
  forbidden: 403,
  not_found: 404,
  not_joined: 409,
  username_taken: 409,
  conflict: 409,
  rate_limited: 429,
  too_many_rooms: 429,
  message_too_long: 413,
  unavailable: 503,
  provider_error: 502,
  slow_mode: 429,
  members_only: 403,
  emote_only: 422,
  duplicate_text: 422,
  timed_out: 403,
  banned: 403,
  filtered: 422,
  quota_exceeded: 403,
  internal: 500,
};

/** An expected failure with a stable code; anything else thrown is reported as `internal`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: unknown; retryAfterMs?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = HTTP_STATUS[code];
    this.details = opts.details;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
