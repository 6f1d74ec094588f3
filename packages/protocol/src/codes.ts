/**
 * Stable error codes and WebSocket close codes, and the protocol's version, shared by server, client and web.
 * Mirrored in docs/errors.md; a code, once published, never changes meaning.
 */
/** The protocol's version, announced in `hello`. 2: a `msgs` frame's messages leave out its room and epoch. */
export const PROTOCOL_VERSION = 2;

export const ErrorCode = {
  BadRequest: 'bad_request',
  BadFrame: 'bad_frame',
  UnknownOp: 'unknown_op',
  ValidationFailed: 'validation_failed',
  Unauthenticated: 'unauthenticated',
  TokenExpired: 'token_expired',
  TokenInvalid: 'token_invalid',
  InvalidCredentials: 'invalid_credentials',
  RefreshReused: 'refresh_reused',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  NotJoined: 'not_joined',
  UsernameTaken: 'username_taken',
  Conflict: 'conflict',
  RateLimited: 'rate_limited',
  TooManyRooms: 'too_many_rooms',
  MessageTooLong: 'message_too_long',
  Unavailable: 'unavailable',
  ProviderError: 'provider_error',
  /** Slow mode: the room allows one fan message per `slowSeconds`; `retryAfterMs` says when. */
  SlowMode: 'slow_mode',
  /** The room is in members-only mode: fans may read, members and staff send. */
  MembersOnly: 'members_only',
  /** The room is in emote-only mode: a message made of emoji only. */
  EmoteOnly: 'emote_only',
  /** Unique-chat mode: the same text was sent to the room moments ago. */
  DuplicateText: 'duplicate_text',
  /** The sender is timed out in this community; `retryAfterMs` says until when. */
  TimedOut: 'timed_out',
  /** The sender is banned from this community. */
  Banned: 'banned',
  /** The word filter or the review hook refused the message (`details.action`: block, hold, review). */
  Filtered: 'filtered',
  /** A quota in all is used up (communities an account made, rooms a community has): no wait will help. */
  QuotaExceeded: 'quota_exceeded',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Close codes: 1xxx from RFC 6455, 4xxx are Lightstick's own. */
export const CloseCode = {
  Normal: 1000,
  /** The server is closing without a drain: reconnect with jitter and resume. */
  GoingAway: 1001,
  /** The server is draining (deploy, scale-in): reconnect after the advised delay and resume. */
  ServiceRestart: 1012,
  /** A frame over `Limits.maxFrameBytes`, its inflated size if compressed (sent by the ws library). */
  MessageTooBig: 1009,
  /** A compressed frame (permessage-deflate) that does not inflate. */
  InvalidPayload: 1007,
  Internal: 1011,
  /** No `auth` frame within `Limits.authTimeoutMs` of the connection opening. */
  AuthTimeout: 4001,
  /** The token was forged, malformed or for someone else; do not retry with it. */
  AuthFailed: 4003,
  /** The access token expired and was not refreshed in time: refresh and reconnect. */
  TokenExpired: 4004,
  /** Nothing from the client for `Limits.idleTimeoutMs`. */
  IdleTimeout: 4008,
  /** The socket's send buffer passed `Limits.hardBufferBytes`: reconnect and resume. */
  SlowConsumer: 4010,
  /** Too many connections for this account (or address) on this gateway: close another one first. */
  TooManyConnections: 4013,
  /** Too many bad frames or rate-limit violations in a row. */
  PolicyViolation: 4029,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client should reconnect (and resume) on its own. */
export const RECONNECTABLE_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.GoingAway,
  1006,
  CloseCode.ServiceRestart,
  CloseCode.Internal,
  CloseCode.IdleTimeout,
  CloseCode.SlowConsumer,
  CloseCode.TokenExpired,
]);
