/**
 * The Hub: room -> local subscribers, and the node's fan-out engine. Subscribes the broker on a room's first
 * local member and unsubscribes on its last. Each publication (the node's own included) goes to the room's
 * outbox, and passes over the room's members write it out:
 * - at once (next loop turn) while the node's delivery load fits its budget, so light load adds no delay;
 * - passes `pacer.interval()` ms apart above it, so each member gets one frame for everything since its last (a
 *   room whose messages come slower than that flushes at once: `pacer.intervalFor`);
 * - at once for the priority lane (artist, moderator, owner, admin and system messages, priority frames),
 *   whatever the interval: it is never delayed, and never thinned (outbox.ts).
 * A frame that only says the room's latest state (`publishLocal` with `latest`: the `stats` viewer count) waits
 * up to `waitMs` for the room's next flush, and then flushes alone. A frame of its own is one socket write per
 * member; riding a flush of messages it is a few more bytes in the same write. Before, each `stats` frame took a
 * pass of its own (issue 6, "Stop 36" in docs/benchmarks.md).
 * A pass is written by the FanoutWriter in slices, and takes what the outbox gathered before a slice (a
 * flush; up to TAKES_PER_PASS times a pass), so every member it reaches gets everything up to about that
 * moment in one write: the flushes it lacks, merged into one `msgs` frame prepared once for all who lack the
 * same ones. Members the pass had already reached get what came after in the next pass, which skips members
 * up to date. Before stop 23 a flush waited for the pass under way to end (a fan message ~430 ms on a
 * saturated box before its write began), and before stop 48 a paced room's flush was taken once an interval,
 * so a message waited for the flush and then for the pass to reach each member: up to an interval plus a
 * pass, close to two intervals on a saturated box (issue 6, docs/benchmarks.md). A member is written at most
 * once per pass and passes begin an interval apart, so frames per member stay within the pacer's budget, and
 * fall further when writing falls behind.
 */
import type { ChatMessage } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Broker, Publication } from '../broker/broker.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { prepareText, type PreparedFrame } from './connection.ts';
import { FanoutWriter } from './fanout-writer.ts';
import { RoomFlush, RoomOutbox, type OutboxDeps, type Subscriber } from './outbox.ts';
import { FlushPacer, type PacerOptions } from './pacer.ts';
import { systemScheduler, type Scheduler, type TimerHandle } from './scheduler.ts';

interface RoomEntry {
  room: string;
  /** Each local member, with the number of the first flush it has not been given. */
  members: Map<Subscriber, number>;
  outbox: RoomOutbox;
  /** Flushes some member still lacks, in order; `flushes[0]` is number `firstSeq`. */
  flushes: RoomFlush[];
  firstSeq: number;
  /** The number the next flush gets. */
  nextSeq: number;
  subscribed: Promise<void>;
  /** Pending flush by interval, due at `timerAt` (scheduler ms). */
  timer: TimerHandle | undefined;
  timerAt: number;
  /** The timer was set for a `latest` frame alone: a message due sooner brings it forward. */
  timerLatest: boolean;
  /** Queued for the next loop turn. */
  queued: boolean;
  /** Something on the priority lane waits: flush on the next loop turn. */
  urgent: boolean;
  /** A pass over the room's members is under way. */
  writing: boolean;
  /** When the last pass began (scheduler ms): a paced room's next begins `pacer.intervalFor` after it. */
  passAt: number;
  /** A priority flush was taken during the pass: the next pass begins as soon as this one ends. */
  again: boolean;
  /**
   * The merges of the flushes from a number to the last, for the members the pass reaches lacking several. A
   * take makes them stale and clears them; each slice reports their counters first, with the flushes'.
   */
  merged: Map<number, RoomFlush>;
  /** When the outbox was last taken, and how long the last pass took (scheduler ms). */
  takenAt: number;
  passMs: number;
}

export interface FanoutOptions extends PacerOptions {
  /** Socket writes per slice before the writer yields to the event loop. */
  sliceSockets: number;
}

/** A member a pass finds up to date costs a map step, not a write: 32 of them count as one socket of a slice. */
const SKIP_COST = 1 / 32;

/**
 * A pass takes what its room gathered at most this many times per interval (or per pass, when a pass takes
 * longer than the interval). Each take is one more frame to prepare, and members lacking different flushes get
 * different merges: taken before every slice, a 6 s pass over 16 700 members (100 000 fans over 6 gateways at
 * 20 msgs/s) would prepare up to 84 takes and as many merges. A message then waits at most an eighth of the
 * interval (or pass) longer than with a take before every slice.
 */
const TAKES_PER_PASS = 8;

export const DEFAULT_FANOUT: FanoutOptions = {
  framesPerSecond: 50_000,
  maxIntervalMs: 1000,
  sliceSockets: 200,
};

/**
 * Where a per-room "fan delay" plugs in (moderation: fan messages held N seconds so a moderator can delete them
 * before fans see them; a deleted held message is never delivered). The Hub asks the gate about every
 * message before it enters the room's outbox; the gate never holds a priority message on its own: it shows one
 * that arrives behind held fan messages at once (an `ahead` frame) and keeps it behind them in `msgs`, so
 * positions reach clients in order (a client takes an offset at or below its position as a duplicate). `take` returns true when the gate keeps the message: it then owns it and hands
 * it back later with `Hub.release` (or drops it, for a deletion). Implemented by gateway/fan-delay.ts.
 */
export interface FanDelayGate {
  take(room: string, message: ChatMessage): boolean;
}

export interface HubDeps extends OutboxDeps {
  broker: Broker;
  metrics: Metrics;
  logger: Logger;
  /** Resolves once the broker has the node's handlers. */
  started: Promise<void>;
  fanout?: FanoutOptions;
  scheduler?: Scheduler;
  fanDelay?: FanDelayGate;
}

export class Hub {
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly queue = new Set<RoomEntry>();
  private queueScheduled = false;
  private readonly scheduler: Scheduler;
  readonly pacer: FlushPacer;
  /** Writes the passes; the governor reads how busy it is (fanout-governor.ts). */
  readonly writer: FanoutWriter;

  constructor(private readonly deps: HubDeps) {
    const fanout = deps.fanout ?? DEFAULT_FANOUT;
    this.scheduler = deps.scheduler ?? systemScheduler;
    this.pacer = new FlushPacer(fanout, () => this.scheduler.now());
    this.writer = new FanoutWriter(this.scheduler, fanout.sliceSockets);
  }

  /** `room` as this Hub keeps it (the string its first member joined with), or `room` itself when it has none. */
  roomId(room: string): string {
    return this.rooms.get(room)?.room ?? room;
  }

  /** Adds a member; resolves once the broker delivers the room's publications to this node. */
  async add(room: string, sub: Subscriber): Promise<void> {
    let entry = this.rooms.get(room);
    if (entry === undefined) {
      const subscribed = this.deps.started.then(() => this.deps.broker.subscribe([room]));
      entry = {
        room,
        members: new Map(),
        outbox: new RoomOutbox(room, this.deps),
        flushes: [],
        firstSeq: 0,
        nextSeq: 0,
        subscribed,
        timer: undefined,
        timerAt: 0,
        timerLatest: false,
        queued: false,
        urgent: false,
        writing: false,
        passAt: Number.NEGATIVE_INFINITY,
        again: false,
        merged: new Map(),
        takenAt: Number.NEGATIVE_INFINITY,
        passMs: 0,
      };
      this.rooms.set(room, entry);
      this.deps.metrics.rooms.set(this.rooms.size);
      subscribed.catch(() => {}); // observed below by whoever awaits it
    }
    // A new member gets what is flushed from now on; what came before is in its join's replay.
    if (!entry.members.has(sub)) entry.members.set(sub, entry.nextSeq);
    try {
      await entry.subscribed;
    } catch (err) {
      this.deps.logger.error({ err, room }, 'broker subscribe failed');
      await this.remove(room, sub);
      throw new AppError('unavailable', 'The room is not available right now; try again');
    }
  }

  async remove(room: string, sub: Subscriber): Promise<void> {
    const entry = this.rooms.get(room);
    if (entry === undefined || !entry.members.delete(sub)) return;
    if (entry.members.size > 0) return;
    this.rooms.delete(room);
    this.queue.delete(entry);
    if (entry.timer !== undefined) this.scheduler.clearTimeout(entry.timer);
    this.pacer.forget(room);
    this.deps.metrics.rooms.set(this.rooms.size);
    await this.deps.broker.unsubscribe([room]).catch((err: unknown) => {
      this.deps.logger.warn({ err, room }, 'broker unsubscribe failed');
    });
  }

  /** Broker callback: every publication of a subscribed room, this node's own included. */
  onPublication(room: string, pub: Publication): void {
    const entry = this.rooms.get(room);
    if (entry === undefined) return;
    if (pub.kind === 'message') this.enqueue(entry, pub.message);
    else this.enqueueFrame(entry, prepareText(pub.json), pub.priority);
  }

  /**
   * An ephemeral frame for every local member of `room` (no position, no history), prepared once by the caller:
   * the node's own room frames (`stats`) and what other nodes published with `Broker.publishEvent`. It keeps its
   * place among the room's messages. `priority` frames flush at once like priority messages. A `latest` frame
   * replaces the one of its key still waiting, and waits for the room's next flush, but no longer than `waitMs`
   * (nor sooner than the pacer allows).
   */
  publishLocal(
    room: string,
    frame: PreparedFrame,
    opts: { priority?: boolean; latest?: { key: string; waitMs: number } } = {},
  ): void {
    const entry = this.rooms.get(room);
    if (entry === undefined) return;
    if (opts.latest === undefined) return this.enqueueFrame(entry, frame, opts.priority === true);
    entry.outbox.putLatest(opts.latest.key, frame);
    this.schedule(entry, opts.priority === true, this.scheduler.now() + opts.latest.waitMs);
  }

  roomCount(): number {
    return this.rooms.size;
  }

  memberCount(room: string): number {
    return this.rooms.get(room)?.members.size ?? 0;
  }

  /** Local members per room (the node's viewer counts). */
  *localRooms(): IterableIterator<[room: string, members: number]> {
    for (const [room, e] of this.rooms) yield [room, e.members.size];
  }

  /** Local members of a room (control handlers act on them: revoked sessions, bans). */
  members(room: string): Iterable<Subscriber> {
    return this.rooms.get(room)?.members.keys() ?? [];
  }

  /** Writes whatever is gathered now, without slicing (used before closing). */
  flushNow(): void {
    for (const e of this.rooms.values()) {
      if (e.timer !== undefined) this.scheduler.clearTimeout(e.timer);
      e.timer = undefined;
    }
    this.writer.drain();
    for (const e of this.rooms.values()) if (!e.outbox.empty) e.outbox.flush(e.members.keys());
    this.queue.clear();
  }

  async close(): Promise<void> {
    const rooms = [...this.rooms.keys()];
    for (const e of this.rooms.values()) if (e.timer !== undefined) this.scheduler.clearTimeout(e.timer);
    this.rooms.clear();
    this.queue.clear();
    this.deps.metrics.rooms.set(0);
    if (rooms.length > 0) await this.deps.broker.unsubscribe(rooms).catch(() => {});
  }

  /** Messages a FanDelayGate held, back in their room's outbox (in the order given). */
  release(room: string, messages: readonly ChatMessage[]): void {
    const entry = this.rooms.get(room);
    if (entry === undefined) return;
    for (const m of messages) this.enqueue(entry, m, true);
  }

  private enqueue(entry: RoomEntry, message: ChatMessage, released = false): void {
    // The gate sees priority messages too: one arriving while fan messages wait is shown ahead, then kept in order.
    if (!released && this.deps.fanDelay?.take(entry.room, message) === true) return;
    entry.outbox.push(message);
    this.pacer.onMessage(entry.room, entry.members.size);
    this.schedule(entry, message.priority);
  }

  private enqueueFrame(entry: RoomEntry, frame: PreparedFrame, priority: boolean): void {
    entry.outbox.pushFrame(frame);
    this.schedule(entry, priority);
  }

  /**
   * Flushes the room when the pacer allows, or at once for the priority lane. `latestBy` is set for a `latest`
   * frame: the flush is then due no sooner than that, unless one is due sooner anyway (which it rides). A paced
   * room's pass under way takes what arrives as it goes (startPass): nothing to schedule until it ends.
   */
  private schedule(entry: RoomEntry, urgent: boolean, latestBy?: number): void {
    if (urgent) entry.urgent = true;
    if (entry.queued) return;
    if (entry.urgent) return this.queueNow(entry);
    const interval = this.pacer.intervalFor(entry.room);
    if (entry.writing && interval > 0) return;
    // A timer for messages stays as it was set; one set for a `latest` frame alone gives way to a sooner one.
    if (entry.timer !== undefined && !entry.timerLatest) return;
    const paced = entry.passAt + interval;
    const due = latestBy === undefined ? paced : Math.max(paced, latestBy);
    if (entry.timer !== undefined && entry.timerAt <= due) return;
    const now = this.scheduler.now();
    if (due <= now) return this.queueNow(entry);
    if (entry.timer !== undefined) this.scheduler.clearTimeout(entry.timer);
    entry.timerAt = due;
    entry.timerLatest = latestBy !== undefined;
    entry.timer = this.scheduler.setTimeout(() => {
      entry.timer = undefined;
      this.flushRoom(entry);
      this.writer.pump();
    }, due - now);
  }

  /** Flushes on the next loop turn: everything the broker delivers in this turn becomes one frame. */
  private queueNow(entry: RoomEntry): void {
    if (entry.timer !== undefined) {
      this.scheduler.clearTimeout(entry.timer);
      entry.timer = undefined;
    }
    entry.queued = true;
    this.queue.add(entry);
    if (this.queueScheduled) return;
    this.queueScheduled = true;
    this.scheduler.setImmediate(() => {
      this.queueScheduled = false;
      const entries = [...this.queue];
      this.queue.clear();
      for (const e of entries) this.flushRoom(e);
      this.writer.pump();
    });
  }

  /** Takes what the outbox gathered and begins a pass, unless one is under way (which takes it along). */
  private flushRoom(entry: RoomEntry): void {
    if (entry.urgent && entry.writing) entry.again = true;
    entry.queued = false;
    entry.urgent = false;
    if (this.rooms.get(entry.room) !== entry) return;
    this.take(entry);
    // A member the last pass reached before its last flush was taken still lacks that flush.
    if (!entry.writing && entry.nextSeq > entry.firstSeq) this.startPass(entry);
  }

  private take(entry: RoomEntry): void {
    if (entry.outbox.empty) return;
    entry.takenAt = this.scheduler.now();
    entry.flushes.push(entry.outbox.take());
    entry.nextSeq++;
    entry.merged.clear();
    this.deps.metrics.fanoutInterval.set(this.pacer.interval() / 1000);
  }

  /**
   * One pass over the members: each gets, in one write, what the room had for it when the pass reached it (the
   * outbox is taken before a slice, TAKES_PER_PASS times a pass at most). Members lacking the same flushes share
   * one merge of them (flushFor).
   */
  private startPass(entry: RoomEntry): void {
    entry.writing = true;
    entry.passAt = this.scheduler.now();
    const members = entry.members.entries();
    /** `nextSeq` when the pass writes its first member: every member lacking a flush before it gets it. */
    let from: number | undefined;
    this.writer.add({
      step: (budget) => {
        const span = Math.max(this.pacer.intervalFor(entry.room), entry.passMs);
        if (this.scheduler.now() - entry.takenAt >= span / TAKES_PER_PASS) this.take(entry);
        from ??= entry.nextSeq;
        let cost = 0;
        while (cost < budget) {
          const next = members.next();
          if (next.done === true) break;
          const [member, lacks] = next.value;
          if (lacks >= entry.nextSeq) {
            cost += SKIP_COST; // up to date already (reached after the last flush was taken)
            continue;
          }
          entry.members.set(member, entry.nextSeq);
          this.flushFor(entry, lacks - entry.firstSeq).deliver(member);
          cost++;
        }
        // The counters move as the pass goes (outbox.ts).
        for (const f of entry.flushes) f.report();
        for (const f of entry.merged.values()) f.report();
        return Math.ceil(cost);
      },
      done: () => this.endPass(entry, from ?? entry.nextSeq),
    });
  }

  /** What a member lacking the flushes from index `i` on gets: the last flush, or the merge of them all. */
  private flushFor(entry: RoomEntry, i: number): RoomFlush {
    if (i === entry.flushes.length - 1) return entry.flushes[i]!;
    let merged = entry.merged.get(i);
    if (merged === undefined) {
      merged = RoomFlush.merge(entry.flushes.slice(i));
      entry.merged.set(i, merged);
    }
    return merged;
  }

  /** `from`: `nextSeq` when the pass wrote its first member. */
  private endPass(entry: RoomEntry, from: number): void {
    entry.writing = false;
    entry.passMs = this.scheduler.now() - entry.passAt;
    entry.merged.clear();
    // Every member (the ones that joined meanwhile included) now has each flush numbered before `from`.
    const complete = from - entry.firstSeq;
    for (let i = 0; i < complete; i++) entry.flushes[i]!.finish();
    entry.flushes.splice(0, complete);
    entry.firstSeq = from;
    if (this.rooms.get(entry.room) !== entry) return;
    const again = entry.again;
    entry.again = false;
    // Flushes taken during the pass: the members it had passed still lack them. The next pass begins when the
    // pacer allows (at once after a priority flush), and takes what arrives until then.
    if (entry.nextSeq === from && entry.outbox.empty) return;
    const at = again ? 0 : entry.passAt + this.pacer.intervalFor(entry.room);
    if (at <= this.scheduler.now()) this.startPass(entry);
    else this.schedule(entry, false);
  }
}
