/**
 * Wire protocol v1: JSON text frames. Client frames carry `op`, server frames carry `t`.
 * Specified in docs/protocol.md; change both together.
 */
export const PROTOCOL_VERSION = 1;

/** Where a message sits in a room's stream. `epoch` changes when the stream's history is lost. */
export interface Position {
  epoch: string;
  offset: number;
}

export type CommunityRole = 'owner' | 'artist' | 'moderator' | 'member' | 'fan';
/** Role of an author at the time of a message; `admin` and `system` are platform-wide. */
export type AuthorRole = CommunityRole | 'admin' | 'system';

export interface ChatMessage {
  /** Server id of the message (unique). */
  id: string;
  room: string;
  pos: Position;
  /** Client-chosen id: a resend with the same `cid` by the same user is not stored twice. */
  cid: string;
  user: { id: string; name: string; displayName: string };
  role: AuthorRole;
  /** Artist, moderator, owner, admin and system messages: never thinned. */
  priority: boolean;
  text: string;
  /** Milliseconds since the epoch, server clock. */
  ts: number;
}

// ---- client -> server ----
export interface AuthOp {
  op: 'auth';
  id?: number;
  token: string;
}
export interface JoinOp {
  op: 'join';
  id: number;
  room: string;
  /** Last position the client holds for this room: the server replays what came after it. */
  since?: Position;
}
export interface LeaveOp {
  op: 'leave';
  id: number;
  room: string;
}
export interface SendOp {
  op: 'send';
  id: number;
  room: string;
  cid: string;
  text: string;
}
export interface PingOp {
  op: 'ping';
  id?: number;
}
export interface PongOp {
  op: 'pong';
}
export type ClientFrame = AuthOp | JoinOp | LeaveOp | SendOp | PingOp | PongOp;
export type ClientOp = ClientFrame['op'];

// ---- server -> client ----
export interface HelloFrame {
  t: 'hello';
  v: number;
  /** Connection id, for support and logs. */
  sid: string;
  limits: {
    maxFrameBytes: number;
    maxMessageChars: number;
    maxRoomsPerConnection: number;
    sendsPerSecond: number;
    heartbeatMs: number;
    idleTimeoutMs: number;
  };
}
export interface AuthedFrame {
  t: 'authed';
  id?: number;
  user: { id: string; name: string; displayName: string; admin: boolean };
  /** Milliseconds since the epoch at which the token expires; re-`auth` before it. */
  exp: number;
}
export interface JoinedFrame {
  t: 'joined';
  id: number;
  room: string;
  /** The room's current position (after the replayed messages). */
  pos: Position;
  /** Messages after `since`, in order, when the client asked to resume. */
  missed: ChatMessage[];
  /** True when `since` could not be served from hot history (wrong epoch or too old): reload from the archive. */
  reload: boolean;
}
export interface LeftFrame {
  t: 'left';
  id: number;
  room: string;
}
export interface AckFrame {
  t: 'ack';
  id: number;
  room: string;
  cid: string;
  /** Server message id and position; identical on a resend of the same `cid`. */
  mid: string;
  pos: Position;
  /** True when this `cid` was already stored and the original is acknowledged again. */
  duplicate: boolean;
}
/** Live messages of one room, one frame per server tick, serialised once per process. */
export interface MessagesFrame {
  t: 'msgs';
  room: string;
  msgs: ChatMessage[];
  /** Fan messages left out of this frame for this socket (it was slow); `upto` still advances. */
  skipped?: number;
  /** Position of the last message this frame covers, included or skipped: the resume point. */
  upto: Position;
}
export interface ErrorFrame {
  t: 'error';
  /** The `id` of the client frame that failed, when it had one. */
  id?: number;
  code: string;
  message: string;
  /** For `rate_limited`: when to try again. */
  retryAfterMs?: number;
}
export interface PingFrame {
  t: 'ping';
}
export interface PongFrame {
  t: 'pong';
  id?: number;
}
/** Sent before a draining server closes with 1012: reconnect after `afterMs` (jittered by the server). */
export interface ReconnectFrame {
  t: 'reconnect';
  afterMs: number;
  reason: string;
}
export type ServerFrame =
  | HelloFrame
  | AuthedFrame
  | JoinedFrame
  | LeftFrame
  | AckFrame
  | MessagesFrame
  | ErrorFrame
  | PingFrame
  | PongFrame
  | ReconnectFrame;
