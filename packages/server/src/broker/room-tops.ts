/**
 * What this node knows of each subscribed room's top position, so that a fresh join (no `since`) is answered
 * without a Redis call once the node has read the room's top (issue 6: a connect cost three Redis round trips,
 * a fifth of a gateway's CPU per connect went to writing them; docs/benchmarks.md "Stop 29").
 *
 * Why the answer is exact: a top is taken only from a read sent AFTER the room's subscription was confirmed, on
 * that same subscription; every message published after the read then reaches this node on the subscription,
 * in order, and raises the top as it is heard. A message in flight when a fan joins has a higher offset than
 * the top it is given and reaches it live (the join holds the room's frames until `joined` is written), as
 * with a read. Anything that could break the chain forgets the top: the room unsubscribed, the subscriber
 * connection lost (`lost`), a message of another epoch. A top is also used only until the room could have
 * started over in Redis (idle past its ttl: `liveUntil` from the read) and for at most `freshMs` after the read,
 * so a history lost without a reconnect (FLUSHALL, a failover that kept the connection) costs at most that.
 */
import type { Position } from '@lightstick/protocol';

/** One room's subscription on the current subscriber connection: replaced (not reset) when it is made again. */
export interface TopSlot {
  /** The highest position heard or read on this subscription; `read` says whether a read confirmed it. */
  top: Position | undefined;
  read: boolean;
  /** Runtime ms until which `top` answers a fresh join. */
  until: number;
}

export class RoomTops {
  private readonly slots = new Map<string, TopSlot>();

  constructor(private readonly freshMs: number) {}

  /** The room's subscription was confirmed: a read sent from now on can give it a top. */
  subscribed(room: string): void {
    if (!this.slots.has(room)) this.slots.set(room, { top: undefined, read: false, until: 0 });
  }

  unsubscribed(room: string): void {
    this.slots.delete(room);
  }

  /** The subscriber connection went down: publications may have been missed in every room. */
  lost(): void {
    this.slots.clear();
  }

  /** A message heard on the room's subscription. */
  heard(room: string, pos: Position): void {
    const slot = this.slots.get(room);
    if (slot === undefined) return;
    if (slot.top === undefined || (slot.top.epoch === pos.epoch && pos.offset > slot.top.offset)) {
      slot.top = pos;
    } else if (slot.top.epoch !== pos.epoch) {
      // The room started over (or an older epoch's message is late): only a read can say which is current.
      slot.top = pos;
      slot.read = false;
    }
  }

  /** The top a fresh join can be given now without a read, if any. */
  known(room: string, now: number): Position | undefined {
    const slot = this.slots.get(room);
    return slot !== undefined && slot.read && now < slot.until ? slot.top : undefined;
  }

  /** Before a read: the slot the read's answer is for (undefined when the room is not subscribed yet). */
  slot(room: string): TopSlot | undefined {
    return this.slots.get(room);
  }

  /**
   * A read sent while `slot` was the room's subscription answered `top` (and the room lives until `liveUntil`,
   * runtime ms). Kept only if the subscription is still the same one.
   */
  read(room: string, slot: TopSlot, top: Position, liveUntil: number, now: number): void {
    if (this.slots.get(room) !== slot) return;
    if (slot.top !== undefined && slot.top.epoch !== top.epoch) {
      // Heard another epoch while reading: which is newer is not known here; the next join reads again.
      slot.read = false;
      return;
    }
    if (slot.top === undefined || top.offset > slot.top.offset) slot.top = top;
    slot.read = true;
    slot.until = Math.min(now + this.freshMs, liveUntil);
  }
}
