/** Lightstick client SDK: HTTP API and realtime chat, for browsers and Node 20+. */
export { ApiClient, type ApiClientOptions, type MessagePageQuery, type StoredTokens } from './api.ts';
export {
  RealtimeClient,
  type ConnectionState,
  type JoinResult,
  type RealtimeEvents,
  type RealtimeOptions,
} from './realtime.ts';
export type { SendResult } from './outbox.ts';
export type { SocketLike, WebSocketCtor } from './connection.ts';
export { ApiError, RealtimeError, ClientErrorCode } from './errors.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { Emitter, type Listener } from './emitter.ts';
