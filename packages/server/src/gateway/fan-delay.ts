/**
 * The room mode `fanDelayMs` on one node (the Hub's FanDelayGate): a fan message is held that long before the
 * room's members get it, so a moderator can delete it first; a message deleted while held is never delivered
 * (its place goes out as `skipped`, so clients keep an exact position). Staff messages are never held: one that
 * arrives while fan messages before it wait is shown to the room at once in an `ahead` frame (`onAhead`), and
 * goes out in `msgs` right behind those fan messages, where it only moves clients' positions on (positions must
 * reach a client in order: it takes an older offset as a duplicate and a newer one past a hole as a gap).
 *
 * Every node gates its own copy of the room's publications the same way; what a node holds is also kept out of
 * the join replay (`cut`), so a fan who joins or resumes during the delay gets held messages when they are due.
 * Moderators in the room are shown held messages at once with a `held` frame (`onHold`).
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { FanDelayGate } from './hub.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';

interface Held {
  message: ChatMessage;
  /** Scheduler time when it was held, and when it is due. */
  at: number;
  due: number;
  dropped: boolean;
}

interface RoomQueue {
  entries: Held[];
  timer: TimerHandle | undefined;
}

export interface FanDelayOptions {
  scheduler: Scheduler;
  /** Hands released messages back (Hub.release); a dropped one is `skipped` at its position. */
  release(room: string, message: ChatMessage): void;
  skip(room: string, pos: Position): void;
  /** A fan message was held (moderators get a `held` frame). */
  onHold?(room: string, message: ChatMessage, releaseAt: number): void;
  /** A staff message queued behind held fan messages (the room gets an `ahead` frame). */
  onAhead?(room: string, message: ChatMessage): void;
}

export class FanDelay implements FanDelayGate {
  private readonly delays = new Map<string, number>();
  private readonly queues = new Map<string, RoomQueue>();

  constructor(private readonly opts: FanDelayOptions) {}

  /** The room's current fan delay (from the `mode` read on join and every mode change). */
  setDelay(room: string, ms: number): void {
    if (ms > 0) this.delays.set(room, ms);
    else this.delays.delete(room);
    const q = this.queues.get(room);
    if (q === undefined) return;
    // A shorter (or no) delay takes effect for what waits now.
    for (const e of q.entries) if (!e.message.priority) e.due = Math.min(e.due, e.at + ms);
    this.arm(room, q);
  }

  /** The room has no local members any more. */
  forget(room: string): void {
    this.delays.delete(room);
    const q = this.queues.get(room);
    if (q?.timer !== undefined) this.opts.scheduler.clearTimeout(q.timer);
    this.queues.delete(room);
  }

  take(room: string, message: ChatMessage): boolean {
    let q = this.queues.get(room);
    const delay = this.delays.get(room) ?? 0;
    if (q === undefined && (delay === 0 || message.priority)) return false;
    const now = this.opts.scheduler.now();
    const due = message.priority ? now : now + delay;
    if (q === undefined) {
      q = { entries: [], timer: undefined };
      this.queues.set(room, q);
    }
    q.entries.push({ message, at: now, due, dropped: false });
    if (!message.priority) this.opts.onHold?.(room, message, message.ts + delay);
    else this.opts.onAhead?.(room, message);
    this.arm(room, q);
    return true;
  }

  /** Deleted messages: those still held are never delivered. */
  drop(room: string, mids: readonly string[]): void {
    const q = this.queues.get(room);
    if (q === undefined) return;
    for (const e of q.entries) if (mids.includes(e.message.id)) e.dropped = true;
  }

  /** Fan messages the room holds now, with the delay they were held for (shown to moderators who join). */
  held(room: string): { message: ChatMessage; delayMs: number }[] {
    const q = this.queues.get(room);
    if (q === undefined) return [];
    return q.entries
      .filter((e) => !e.dropped && !e.message.priority)
      .map((e) => ({ message: e.message, delayMs: e.due - e.at }));
  }

  /** Staff messages waiting behind held fan messages (shown at once to whoever joins meanwhile). */
  ahead(room: string): ChatMessage[] {
    const q = this.queues.get(room);
    if (q === undefined) return [];
    return q.entries.filter((e) => !e.dropped && e.message.priority).map((e) => e.message);
  }

  /** The first held position of a room (the join replay stops before it), if any. */
  firstHeld(room: string): Position | undefined {
    return this.queues.get(room)?.entries[0]?.message.pos;
  }

  private arm(room: string, q: RoomQueue): void {
    if (q.timer !== undefined) this.opts.scheduler.clearTimeout(q.timer);
    q.timer = undefined;
    const head = q.entries[0];
    if (head === undefined) {
      this.queues.delete(room);
      return;
    }
    const wait = Math.max(0, head.due - this.opts.scheduler.now());
    q.timer = this.opts.scheduler.setTimeout(() => {
      q.timer = undefined;
      this.releaseDue(room, q);
    }, wait);
  }

  private releaseDue(room: string, q: RoomQueue): void {
    if (this.queues.get(room) !== q) return;
    const now = this.opts.scheduler.now();
    while (q.entries.length > 0 && q.entries[0]!.due <= now) {
      const e = q.entries.shift()!;
      if (e.dropped) this.opts.skip(room, e.message.pos);
      else this.opts.release(room, e.message);
    }
    this.arm(room, q);
  }
}
