/**
 * Realtime frames of fandom (docs/protocol.md, docs/moderation.md): the `heart` op fans tap, and the artist
 * `spotlight` frame. Hearts are aggregated per node and merged into the room's `stats` frame; they never answer
 * one by one. Their limits (`FandomLimits`) are in limits.ts, enforced by the gateway and documented.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ChatMessage, RoomId } from './chat.ts';
import { FandomLimits } from './limits.ts';
import { FrameId } from './session-frames.ts';

export const HeartOp = Type.Object(
  {
    op: Type.Literal('heart'),
    id: Type.Optional(FrameId),
    room: RoomId,
    count: Type.Integer({
      minimum: 1,
      maximum: FandomLimits.heartsPerOp,
      description: `Taps since the last heart op, 1 to ${FandomLimits.heartsPerOp}`,
    }),
  },
  {
    description:
      "Heart taps in a joined room: counted (up to the person's rate), never answered one by one; the room's `stats` frame carries the totals",
  },
);
export type HeartOp = Static<typeof HeartOp>;

export const SpotlightFrame = Type.Object(
  {
    t: Type.Literal('spotlight'),
    room: Type.String(),
    message: ChatMessage,
    until: Type.Integer({
      description: 'Show it above the chat until this time (ms since the epoch, server clock)',
    }),
  },
  {
    description:
      'An artist spoke: show the message in the spotlight above the chat until `until` (priority lane, also sent on join while it lasts)',
  },
);
export type SpotlightFrame = Static<typeof SpotlightFrame>;

export const HeldFrame = Type.Object(
  {
    t: Type.Literal('held'),
    room: Type.String(),
    message: ChatMessage,
    releaseAt: Type.Integer({
      description: 'When fans get it (ms since the epoch, server clock) unless deleted',
    }),
  },
  {
    description:
      'Moderators only, in a room with a fan delay: a fan message fans do not see yet; delete it before `releaseAt` and they never will',
  },
);
export type HeldFrame = Static<typeof HeldFrame>;

export const AheadFrame = Type.Object(
  {
    t: Type.Literal('ahead'),
    room: Type.String(),
    message: ChatMessage,
  },
  {
    description:
      'In a room with a fan delay: a staff message sent while fan messages before it are still held. Show it now; it arrives again in `msgs` at its position once those are released, where it only moves the position on (also sent on join while it waits)',
  },
);
export type AheadFrame = Static<typeof AheadFrame>;
