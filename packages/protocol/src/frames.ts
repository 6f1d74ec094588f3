/**
 * Wire protocol v1: JSON text frames. Client frames carry `op`, server frames carry `t`.
 * Each frame is one schema in its subject file (session-frames.ts, room-frames.ts); this file gathers them into
 * the unions and into the tables the gateway's decoder and the AsyncAPI document are built from.
 * Specified in docs/protocol.md; change both together.
 */
import { LiveFrame } from './lives.ts';
import { AheadFrame, HeartOp, HeldFrame, SpotlightFrame } from './fandom-frames.ts';
import { DeletedFrame, ModeFrame, PinnedFrame, RoleFrame } from './moderation.ts';
import { Type, type Static } from '@sinclair/typebox';
import {
  AckFrame,
  JoinOp,
  JoinedFrame,
  LeaveOp,
  LeftFrame,
  MessagesFrame,
  SendOp,
  StatsFrame,
} from './room-frames.ts';
import {
  AuthOp,
  AuthedFrame,
  ErrorFrame,
  HelloFrame,
  PingFrame,
  PingOp,
  PongFrame,
  PongOp,
  ReconnectFrame,
} from './session-frames.ts';

/** Every client frame by its `op`. */
export const ClientFrameSchemas = {
  auth: AuthOp,
  join: JoinOp,
  leave: LeaveOp,
  send: SendOp,
  heart: HeartOp,
  ping: PingOp,
  pong: PongOp,
} as const;

/** Every server frame by its `t`. */
export const ServerFrameSchemas = {
  hello: HelloFrame,
  authed: AuthedFrame,
  joined: JoinedFrame,
  left: LeftFrame,
  ack: AckFrame,
  msgs: MessagesFrame,
  error: ErrorFrame,
  ping: PingFrame,
  pong: PongFrame,
  reconnect: ReconnectFrame,
  live: LiveFrame,
  stats: StatsFrame,
  mode: ModeFrame,
  deleted: DeletedFrame,
  pinned: PinnedFrame,
  spotlight: SpotlightFrame,
  held: HeldFrame,
  ahead: AheadFrame,
  role: RoleFrame,
} as const;

export const ClientFrame = Type.Union([AuthOp, JoinOp, LeaveOp, SendOp, HeartOp, PingOp, PongOp]);
export type ClientFrame = Static<typeof ClientFrame>;
export type ClientOp = ClientFrame['op'];

export const ServerFrame = Type.Union([
  HelloFrame,
  AuthedFrame,
  JoinedFrame,
  LeftFrame,
  AckFrame,
  MessagesFrame,
  ErrorFrame,
  PingFrame,
  PongFrame,
  ReconnectFrame,
  LiveFrame,
  StatsFrame,
  ModeFrame,
  DeletedFrame,
  PinnedFrame,
  SpotlightFrame,
  HeldFrame,
  AheadFrame,
  RoleFrame,
]);
export type ServerFrame = Static<typeof ServerFrame>;
