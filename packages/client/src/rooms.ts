/**
 * Per-room stream positions: the bookkeeping that makes resume exact. Pure logic, no I/O.
 * A message is delivered once: anything at or below the held offset is a duplicate (a replay
 * overlapping live frames, a resend after reconnect). A hole in offsets that the server did not
 * explain with `skipped` is a gap, repaired by joining again from the held position.
 */
import type { AheadFrame, ChatMessage, JoinedFrame, Position, RoomMessages } from '@lightstick/protocol';

export interface RoomStream {
  room: string;
  /** Last position held: everything up to it was delivered (or reported skipped). */
  pos: Position | undefined;
  /** Joined on the current connection. */
  active: boolean;
  /** A join is in flight; live frames that do not follow on wait for its replay, which covers them. */
  joining: boolean;
  /** Messages after `pos` already shown from an `ahead` frame (id to offset): their place in `msgs` only moves `pos`. */
  ahead: Map<string, number>;
}

export type MessagesOutcome =
  { kind: 'deliver'; messages: ChatMessage[]; skipped: number } | { kind: 'gap' } | { kind: 'ignore' };

export class RoomStreams {
  private readonly rooms = new Map<string, RoomStream>();

  add(room: string, since?: Position): RoomStream {
    const stream: RoomStream = { room, pos: since, active: false, joining: false, ahead: new Map() };
    this.rooms.set(room, stream);
    return stream;
  }

  get(room: string): RoomStream | undefined {
    return this.rooms.get(room);
  }

  remove(room: string): void {
    this.rooms.delete(room);
  }

  all(): RoomStream[] {
    return [...this.rooms.values()];
  }

  /** The connection dropped: no room is joined any more; positions are kept for the resume. */
  deactivateAll(): void {
    for (const s of this.rooms.values()) {
      s.active = false;
      s.joining = false;
    }
  }

  /** Applies a `joined` answer: returns the replayed messages not yet held, or `reload`. */
  onJoined(frame: JoinedFrame): { reload: boolean; missed: ChatMessage[] } | undefined {
    const s = this.rooms.get(frame.room);
    if (!s) return undefined;
    s.active = true;
    s.joining = false;
    if (frame.reload || (s.pos !== undefined && s.pos.epoch !== frame.pos.epoch)) {
      // The held position cannot be served: the app reloads the archive and continues from here.
      s.pos = frame.pos;
      s.ahead.clear();
      return { reload: true, missed: [] };
    }
    const missed = fresh(s.pos, frame.missed);
    s.pos = later(s.pos, frame.pos, missed);
    return { reload: false, missed: notShown(s, missed) };
  }

  /** Applies an `ahead` frame: true when the message is new here (show it now; `msgs` will not repeat it). */
  onAhead(frame: AheadFrame): boolean {
    const s = this.rooms.get(frame.room);
    if (!s || !s.active || s.ahead.has(frame.message.id)) return false;
    if (fresh(s.pos, [frame.message]).length === 0) return false;
    s.ahead.set(frame.message.id, frame.message.pos.offset);
    return true;
  }

  /** Applies a live `msgs` frame. */
  onMessages(frame: RoomMessages): MessagesOutcome {
    const s = this.rooms.get(frame.room);
    if (!s || !s.active) return { kind: 'ignore' };
    const skipped = frame.skipped ?? 0;
    if (!s.pos) {
      s.pos = frame.upto;
      return { kind: 'deliver', messages: notShown(s, frame.msgs), skipped };
    }
    // While a join is in flight, what does not follow on is left to its replay.
    const gap: MessagesOutcome = { kind: s.joining ? 'ignore' : 'gap' };
    if (frame.upto.epoch !== s.pos.epoch) return gap;
    const messages = fresh(s.pos, frame.msgs);
    if (skipped === 0 && !contiguous(s.pos.offset, messages, frame.upto.offset)) return gap;
    // A thinned frame covers its messages and the skipped ones, ending at `upto`: it must start right after ours.
    if (skipped > 0 && frame.upto.offset - frame.msgs.length - skipped > s.pos.offset) return gap;
    if (messages.length === 0 && frame.upto.offset <= s.pos.offset) return { kind: 'ignore' };
    s.pos = later(s.pos, frame.upto, messages);
    return { kind: 'deliver', messages: notShown(s, messages), skipped };
  }
}

/**
 * The messages not already shown from an `ahead` frame; forgets those shown ones the position has now passed
 * (in these messages, or skipped: deleted meanwhile, which the `deleted` frame told).
 */
function notShown(s: RoomStream, msgs: ChatMessage[]): ChatMessage[] {
  if (s.ahead.size === 0) return msgs;
  const out = msgs.filter((m) => !s.ahead.has(m.id));
  for (const [id, offset] of s.ahead) if (s.pos !== undefined && offset <= s.pos.offset) s.ahead.delete(id);
  return out;
}

/** Messages after `pos`, in order; all of them when no position is held yet. */
function fresh(pos: Position | undefined, msgs: ChatMessage[]): ChatMessage[] {
  if (!pos) return msgs;
  return msgs.filter((m) => m.pos.epoch === pos.epoch && m.pos.offset > pos.offset);
}

/** True when the messages follow `held` one by one and end where `upto` says. */
function contiguous(held: number, msgs: ChatMessage[], upto: number): boolean {
  let expect = held + 1;
  for (const m of msgs) {
    if (m.pos.offset !== expect) return false;
    expect++;
  }
  return upto <= Math.max(held, expect - 1);
}

/** The furthest of the held position, the frame's position and the last delivered message. */
function later(held: Position | undefined, pos: Position, msgs: ChatMessage[]): Position {
  const last = msgs.at(-1)?.pos;
  let best = pos;
  if (last && last.epoch === best.epoch && last.offset > best.offset) best = last;
  if (held && held.epoch === best.epoch && held.offset > best.offset) best = held;
  return best;
}
