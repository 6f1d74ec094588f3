/**
 * A `msgs` frame's messages to and from whole ChatMessages. The frame says a room and an epoch once and its
 * messages leave them out (`LiveMessage`, room-frames.ts); the server makes each message's wire form once
 * (`liveMessage`), and clients get the ChatMessages back (`chatMessages`, `expandMessages`) before anything
 * reads them, so nothing past the wire sees the difference.
 */
import type { ChatMessage } from './chat.ts';
import type { LiveMessage, MessagesFrame } from './room-frames.ts';

/** A `msgs` frame with its messages whole: what the server builds before writing it and a client reads. */
export type RoomMessages = Omit<MessagesFrame, 'msgs'> & { msgs: ChatMessage[] };

/** `m` as a `msgs` frame carries it (every field but `room` and `pos` kept; `priority` only when true). */
export function liveMessage(m: ChatMessage): LiveMessage {
  const { room: _room, pos, priority, ...rest } = m;
  return priority ? { ...rest, offset: pos.offset, priority: true } : { ...rest, offset: pos.offset };
}

/** The ChatMessages a `msgs` frame carries: its room and `upto.epoch` put back into each. */
export function chatMessages(frame: MessagesFrame): ChatMessage[] {
  const { room } = frame;
  const { epoch } = frame.upto;
  return frame.msgs.map(({ offset, priority, ...rest }) => ({
    ...rest,
    room,
    pos: { epoch, offset },
    priority: priority === true,
  }));
}

/** The frame with its messages whole. */
export function expandMessages(frame: MessagesFrame): RoomMessages {
  return { ...frame, msgs: chatMessages(frame) };
}
