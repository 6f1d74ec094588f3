/**
 * Frames that keep a connection going, whatever the rooms: hello, auth, heartbeat, errors and drain.
 * Client frames carry `op`, server frames carry `t`; docs/protocol.md says what each means.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ErrorCodeSchema } from './error-shapes.ts';
import { SafeCount } from './kit.ts';

/** Longest access token the gateway reads. */
export const MAX_TOKEN_CHARS = 8192;

/** The id a client frame may carry; the answer to that frame carries the same id. */
export const FrameId = SafeCount({ description: 'Echoed in the answer to this frame' });

// ---- client -> server ----
export const AuthOp = Type.Object(
  {
    op: Type.Literal('auth'),
    id: Type.Optional(FrameId),
    token: Type.String({ minLength: 1, maxLength: MAX_TOKEN_CHARS, description: 'An access token' }),
  },
  { description: 'Authenticate within authTimeoutMs of opening; again before `exp` to re-auth' },
);
export type AuthOp = Static<typeof AuthOp>;

export const PingOp = Type.Object(
  { op: Type.Literal('ping'), id: Type.Optional(FrameId) },
  { description: 'Asks for a `pong`' },
);
export type PingOp = Static<typeof PingOp>;

export const PongOp = Type.Object(
  { op: Type.Literal('pong') },
  { description: "Answers the server's `ping`" },
);
export type PongOp = Static<typeof PongOp>;

// ---- server -> client ----
export const HelloFrame = Type.Object(
  {
    t: Type.Literal('hello'),
    v: Type.Integer({ description: 'Protocol version' }),
    sid: Type.String({ description: 'Connection id, for support and logs' }),
    limits: Type.Object({
      maxFrameBytes: Type.Integer(),
      maxMessageChars: Type.Integer(),
      maxRoomsPerConnection: Type.Integer(),
      /** A fan's send bucket in this deployment (refill per second, may be below 1) and its burst. */
      sendsPerSecond: Type.Number(),
      sendBurst: Type.Integer(),
      heartbeatMs: Type.Integer(),
      idleTimeoutMs: Type.Integer(),
    }),
  },
  { description: 'Sent as soon as the socket opens' },
);
export type HelloFrame = Static<typeof HelloFrame>;

export const AuthedFrame = Type.Object(
  {
    t: Type.Literal('authed'),
    id: Type.Optional(FrameId),
    user: Type.Object({
      id: Type.String(),
      name: Type.String(),
      displayName: Type.String(),
      admin: Type.Boolean(),
    }),
    exp: Type.Integer({
      description: 'Milliseconds since the epoch at which the token expires; re-auth before',
    }),
  },
  { description: 'Answer to `auth`' },
);
export type AuthedFrame = Static<typeof AuthedFrame>;

export const ErrorFrame = Type.Object(
  {
    t: Type.Literal('error'),
    id: Type.Optional(FrameId),
    code: ErrorCodeSchema,
    message: Type.String({ description: 'For people; act on `code`' }),
    retryAfterMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'For `rate_limited`: when to retry' }),
    ),
    room: Type.Optional(
      Type.String({
        description:
          'The room this error is about, when the server ended a membership on its own (a ban, a demotion)',
      }),
    ),
  },
  { description: 'A client frame failed (with its `id` when it had one), or a connection-level problem' },
);
export type ErrorFrame = Static<typeof ErrorFrame>;

export const PingFrame = Type.Object(
  { t: Type.Literal('ping') },
  { description: 'Heartbeat every heartbeatMs: answer `{"op":"pong"}`' },
);
export type PingFrame = Static<typeof PingFrame>;

export const PongFrame = Type.Object(
  { t: Type.Literal('pong'), id: Type.Optional(FrameId) },
  { description: "Answer to the client's `ping`" },
);
export type PongFrame = Static<typeof PongFrame>;

export const ReconnectFrame = Type.Object(
  {
    t: Type.Literal('reconnect'),
    afterMs: Type.Integer({ minimum: 0, description: 'Reconnect after this long (jittered by the server)' }),
    reason: Type.String(),
  },
  { description: 'The server is draining: sent before it closes with 1012' },
);
export type ReconnectFrame = Static<typeof ReconnectFrame>;
