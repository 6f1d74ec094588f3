/** Errors the SDK surfaces: each carries the server's stable code (see @lightstick/protocol ErrorCode). */

/** An HTTP API call failed. `status` is 0 when the request never got an answer (network down). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** A realtime request (join, leave, send, auth) failed, or the client gave up on it. */
export class RealtimeError extends Error {
  readonly code: string;
  /** For `rate_limited`: when the server said to try again. */
  readonly retryAfterMs: number | undefined;
  /** The room the failed request was about, or the room an error frame names (a timeout told at once). */
  readonly room: string | undefined;

  constructor(code: string, message: string, opts: { retryAfterMs?: number; room?: string } = {}) {
    super(message);
    this.name = 'RealtimeError';
    this.code = code;
    this.retryAfterMs = opts.retryAfterMs;
    this.room = opts.room;
  }
}

/** Client-side codes for failures the server never saw. */
export const ClientErrorCode = {
  /** The client was closed (by `close()` or a fatal close code) before the request finished. */
  Closed: 'client_closed',
  /** The request could not reach the server (network error, not JSON). */
  Network: 'network_error',
} as const;
