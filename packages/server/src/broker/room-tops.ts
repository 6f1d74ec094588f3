/**
 * What this node knows of each subscribed room: its top position, and the last messages it heard on the
 * subscription (the tail), so that a fresh join (no `since`) is answered without a Redis call once the node has
 * read the room's top, and a resume (`since`) is answered from the tail when it holds everything the client
 * missed (issue 6: a connect cost three Redis round trips, a fifth of a gateway's CPU per connect went to
 * writing them, docs/benchmarks.md "Stop 29"; a gateway's death or drain sends thousands of resumes at once,
 * each one `READ` script with its range of the stream, "Stop 30").
 *
 * Why the answer is exact: a top is taken only from a read sent AFTER the room's subscription was confirmed, on
 * that same subscription; every message published after the read then reaches this node on the subscription,
 * in order, and raises the top as it is heard. A message in flight when a fan joins has a higher offset than
 * the top it is given and reaches it live (the join holds the room's frames until `joined` is written), as
 * with a read. Anything that could break the chain forgets the top: the room unsubscribed, the subscriber
 * connection lost (`lost`), a message of another epoch. A top is also used only until the room could have
 * started over in Redis (idle past its ttl: `liveUntil` from the read) and for at most `freshMs` after the read,
 * so a history lost without a reconnect (FLUSHALL, a failover that kept the connection) costs at most that.
 *
 * The tail is a run of consecutive messages that ends at the top: a message heard with the next offset extends
 * it, anything else (a gap, a read that raised the top past it, another epoch) starts it over. A resume is
 * answered from it only where the `READ` script would surely answer the same: same epoch, nothing missed beyond
 * the caller's limit or the room's retained size, and no message near the room's ttl (the script would call
 * it expired); otherwise `missed` returns undefined and the broker reads Redis as before.
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { HistoryRead } from './broker.ts';

/** What a read says of the room besides its top (READ's reply). */
export interface RoomWindow {
  /** Runtime ms from which the room may start over with a new epoch if nothing is sent (last update + ttl). */
  liveUntil: number;
  /** Entries the room retains (its history's maxSize) and how long (ttlMs). */
  size: number;
  ttlMs: number;
}

/** One room's subscription on the current subscriber connection: replaced (not reset) when it is made again. */
export interface TopSlot {
  /** The highest position heard or read on this subscription; `read` says whether a read confirmed it. */
  top: Position | undefined;
  read: boolean;
  /** Runtime ms until which `top` answers a fresh join. */
  until: number;
  size: number;
  ttlMs: number;
  /** Consecutive messages ending at `top` (when not empty), and the runtime ms each was heard or read at. */
  tail: ChatMessage[];
  tailAt: number[];
}

export interface RoomTopsOptions {
  /** How long a read answers joins (ms). */
  freshMs: number;
  /**
   * Messages kept per room's tail (1000: the default history size and resume limit) and in all the node's
   * tails (10 000: a heard message is ~0.9 KB of heap with Korean text, so ~9 MB at most).
   */
  tailPerRoom?: number;
  tailTotal?: number;
}

export class RoomTops {
  private readonly slots = new Map<string, TopSlot>();
  private readonly freshMs: number;
  private readonly tailPerRoom: number;
  private readonly tailTotal: number;
  /** Messages held in all tails. */
  private held = 0;

  constructor(opts: RoomTopsOptions) {
    this.freshMs = opts.freshMs;
    this.tailPerRoom = Math.max(0, opts.tailPerRoom ?? 1000);
    this.tailTotal = Math.max(0, opts.tailTotal ?? 10_000);
  }

  /** The room's subscription was confirmed: a read sent from now on can give it a top. */
  subscribed(room: string): void {
    if (this.slots.has(room)) return;
    this.slots.set(room, { top: undefined, read: false, until: 0, size: 0, ttlMs: 0, tail: [], tailAt: [] });
  }

  unsubscribed(room: string): void {
    const slot = this.slots.get(room);
    if (slot === undefined) return;
    this.drop(slot, slot.tail.length);
    this.slots.delete(room);
  }

  /** The subscriber connection went down: publications may have been missed in every room. */
  lost(): void {
    this.slots.clear();
    this.held = 0;
  }

  /** A message heard on the room's subscription, at runtime ms `now`. */
  heard(room: string, message: ChatMessage, now: number): void {
    const slot = this.slots.get(room);
    if (slot === undefined) return;
    const pos = message.pos;
    const top = slot.top;
    if (top === undefined || (top.epoch === pos.epoch && pos.offset > top.offset)) {
      // The tail goes on only with the very next message; after a gap it starts again from this one.
      if (top === undefined || pos.offset !== top.offset + 1) this.drop(slot, slot.tail.length);
      slot.top = pos;
      this.push(slot, message, now);
    } else if (top.epoch !== pos.epoch) {
      // The room started over (or an older epoch's message is late): only a read can say which is current.
      slot.top = pos;
      slot.read = false;
      this.drop(slot, slot.tail.length);
      this.push(slot, message, now);
    }
  }

  /** The top a fresh join can be given now without a read, if any. */
  known(room: string, now: number): Position | undefined {
    const slot = this.slots.get(room);
    return slot !== undefined && slot.read && now < slot.until ? slot.top : undefined;
  }

  /**
   * What a resume from `since` missed, answered from the tail, or undefined when only a read can say (the room
   * not read lately, another epoch, more missed than the tail holds, `limit` or the room's size, a message
   * near the ttl, or `since` past the top: the script answers those).
   */
  missed(room: string, since: Position, limit: number, now: number): HistoryRead | undefined {
    const slot = this.slots.get(room);
    if (slot === undefined || !slot.read || now >= slot.until || slot.top === undefined) return undefined;
    const top = slot.top;
    if (since.epoch !== top.epoch || !Number.isSafeInteger(since.offset) || since.offset < 0)
      return undefined;
    const missing = top.offset - since.offset;
    if (missing < 0 || missing > limit || missing > slot.size) return undefined;
    if (missing === 0) return { recoverable: true, messages: [], top: { ...top } };
    const tail = slot.tail;
    const start = tail.length - missing;
    // The tail ends at the top whenever it is not empty (heard, read and push keep it so); checked anyway,
    // as the answer must be exact.
    if (start < 0 || tail.at(-1)!.pos.offset !== top.offset) return undefined;
    // The script calls an archived entry expired once its append time is a ttl old; half a ttl leaves room
    // for the time between the append and this node hearing it, whichever node's clock appended it.
    if (now - slot.tailAt[start]! >= slot.ttlMs / 2) return undefined;
    return { recoverable: true, messages: tail.slice(start), top: { ...top } };
  }

  /** Before a read: the slot the read's answer is for (undefined when the room is not subscribed yet). */
  slot(room: string): TopSlot | undefined {
    return this.slots.get(room);
  }

  /**
   * A read sent while `slot` was the room's subscription answered `top` and, for a resume, `messages` (the
   * consecutive run that ends at `top`). Kept only if the subscription is still the same one.
   */
  read(
    room: string,
    slot: TopSlot,
    top: Position,
    window: RoomWindow,
    now: number,
    messages: readonly ChatMessage[] = [],
  ): void {
    if (this.slots.get(room) !== slot) return;
    if (slot.top !== undefined && slot.top.epoch !== top.epoch) {
      // Heard another epoch while reading: which is newer is not known here; the next join reads again.
      slot.read = false;
      return;
    }
    if (slot.top === undefined || top.offset > slot.top.offset) {
      // The read is ahead of what was heard (published before the subscription, or heard yet to come): the
      // tail is what the read gave, which ends at its top; the next heard message continues it.
      slot.top = top;
      this.drop(slot, slot.tail.length);
      for (const m of messages) this.push(slot, m, now);
    }
    slot.read = true;
    slot.until = Math.min(now + this.freshMs, window.liveUntil);
    slot.size = window.size;
    slot.ttlMs = window.ttlMs;
  }

  /** Adds the message after the tail's last (one message: this runs for every publication heard). */
  private push(slot: TopSlot, message: ChatMessage, now: number): void {
    // At either bound the room's oldest message makes way; a room with none to give keeps no tail (while the
    // node is full) and its resumes read Redis.
    if (slot.tail.length >= this.tailPerRoom || this.held >= this.tailTotal) this.drop(slot, 1);
    if (this.held >= this.tailTotal || this.tailPerRoom === 0) return;
    slot.tail.push(message);
    slot.tailAt.push(now);
    this.held += 1;
  }

  /** Forgets the oldest `n` messages of the slot's tail. */
  private drop(slot: TopSlot, n: number): void {
    const k = Math.min(n, slot.tail.length);
    if (k <= 0) return;
    slot.tail.splice(0, k);
    slot.tailAt.splice(0, k);
    this.held -= k;
  }
}
