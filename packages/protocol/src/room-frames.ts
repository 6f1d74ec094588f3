/**
 * Frames of rooms: join (and resume), leave, send, and the live message stream.
 * docs/protocol.md says what each means, including the dedup and gap rules for positions.
 */
import { CloneType, Type, type Static } from '@sinclair/typebox';
import { ChatMessage, Position, RoomId } from './chat.ts';
import { SafeCount } from './kit.ts';
import { FrameId } from './session-frames.ts';

// ---- client -> server ----
export const JoinOp = Type.Object(
  {
    op: Type.Literal('join'),
    id: FrameId,
    room: RoomId,
    since: Type.Optional(
      CloneType(Position, {
        description: 'Last position the client holds for this room: the server replays what came after it',
      }),
    ),
  },
  { description: 'Join a room, or resume it from `since`' },
);
export type JoinOp = Static<typeof JoinOp>;

export const LeaveOp = Type.Object({ op: Type.Literal('leave'), id: FrameId, room: RoomId });
export type LeaveOp = Static<typeof LeaveOp>;

export const SendOp = Type.Object(
  {
    op: Type.Literal('send'),
    id: FrameId,
    room: RoomId,
    // Length rules of `cid` and `text` are the send pipeline's (validation_failed, message_too_long).
    cid: Type.String({
      description: 'Client message id, 1 to 64 characters; a resend with it is never stored twice',
    }),
    text: Type.String({ description: 'At most 500 characters (grapheme clusters) and 4000 UTF-8 bytes' }),
    replyTo: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Id of a message of the same room this answers: the message carries it as `reply`',
      }),
    ),
  },
  { description: 'Send a chat message to a joined room' },
);
export type SendOp = Static<typeof SendOp>;

// ---- server -> client ----
export const JoinedFrame = Type.Object(
  {
    t: Type.Literal('joined'),
    id: FrameId,
    room: Type.String(),
    pos: CloneType(Position, { description: "The room's current position (after the replayed messages)" }),
    missed: Type.Array(ChatMessage, { description: 'Messages after `since`, in order' }),
    reload: Type.Boolean({
      description:
        '`since` could not be served from hot history (other epoch, too old, ahead), or the replay would pass ' +
        "the account's replay budget: reload the archive",
    }),
  },
  { description: 'Answer to `join`' },
);
export type JoinedFrame = Static<typeof JoinedFrame>;

export const LeftFrame = Type.Object(
  { t: Type.Literal('left'), id: FrameId, room: Type.String() },
  { description: 'Answer to `leave`' },
);
export type LeftFrame = Static<typeof LeftFrame>;

export const AckFrame = Type.Object(
  {
    t: Type.Literal('ack'),
    id: FrameId,
    room: Type.String(),
    cid: Type.String(),
    mid: Type.String({ description: 'Server message id; identical on a resend of the same `cid`' }),
    pos: Position,
    duplicate: Type.Boolean({
      description: 'This `cid` was already stored: the original is acknowledged again',
    }),
  },
  { description: 'Answer to `send`: the message is durable and has its position' },
);
export type AckFrame = Static<typeof AckFrame>;

/**
 * A chat message as a `msgs` frame carries it: what the frame says once is not repeated in each message. Its
 * room is the frame's `room`, its position `{ epoch: upto.epoch, offset }` (a frame never spans two epochs), and
 * `priority` is there only when true. Every other field is the ChatMessage's. `chatMessages` (live-messages.ts)
 * gives back the ChatMessage each stands for. Each message repeated a room id and an epoch of 36 characters and
 * `"priority":false`: a fan message of the benchmark took 362 bytes, 244 without them (docs/benchmarks.md,
 * "Stop 51").
 */
export const LiveMessage = Type.Composite(
  [
    Type.Omit(ChatMessage, ['room', 'pos', 'priority']),
    Type.Object({
      offset: SafeCount({ description: "The message's offset; its epoch is the frame's `upto.epoch`" }),
      priority: Type.Optional(
        Type.Literal(true, {
          description: 'Artist, moderator, owner, admin and system messages (never thinned); absent for fans',
        }),
      ),
    }),
  ],
  { description: "A chat message in a `msgs` frame: its room and epoch are the frame's" },
);
export type LiveMessage = Static<typeof LiveMessage>;

export const MessagesFrame = Type.Object(
  {
    t: Type.Literal('msgs'),
    room: Type.String(),
    msgs: Type.Array(LiveMessage),
    skipped: Type.Optional(
      SafeCount({ description: 'Fan messages left out for this (slow) socket; `upto` still advances' }),
    ),
    upto: CloneType(Position, {
      description: 'Position of the last message this frame covers, included or skipped: the resume point',
    }),
  },
  { description: 'Live messages of one room, one frame per server tick' },
);
/** Live messages of one room, one frame per server tick, serialised once per process. */
export type MessagesFrame = Static<typeof MessagesFrame>;

export const StatsFrame = Type.Object(
  {
    t: Type.Literal('stats'),
    room: Type.String(),
    viewers: SafeCount({
      description: 'Connections joined to the room on every gateway (right within about one interval)',
    }),
    hearts: SafeCount({
      description: 'Heart taps counted in the room since it started, over every gateway (0 before the first)',
    }),
    heartsPerSecond: Type.Number({
      minimum: 0,
      description: 'Heart taps per second over the last counter interval',
    }),
  },
  {
    description:
      "A room's counters merged across every gateway, sent when they changed, at most once per counter interval per room",
  },
);
export type StatsFrame = Static<typeof StatsFrame>;
