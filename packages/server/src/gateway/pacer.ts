/**
 * How often a room's outbox flushes: frames per recipient fall as the node's delivery load rises.
 *
 * Every pass over a room writes one frame to each local member (hub.ts: a pass takes the outbox as it goes), so
 * with rooms r of m_r local members receiving λ_r messages per second, passes every I ms cost
 * F(I) = Σ m_r · min(λ_r, 1000 / I) frames per second.
 * The pacer keeps each room's message rate (an exponentially weighted average, time constant `windowMs`) and
 * picks the smallest interval whose F fits the node's budget (`framesPerSecond`):
 * - demand Σ m_r · λ_r within the budget: interval 0, every message goes out at once (next loop turn);
 * - above it: I = 1000 / x with Σ m_r · min(λ_r, x) = budget, at most `maxIntervalMs`. For one busy room that
 *   is I = 1000 · m / budget: 20,000 local members on a 50,000 frames/s budget flush every 400 ms, whatever
 *   the message rate, so one frame carries everything since the last one.
 * When the load falls, the rates decay and the interval shrinks back to 0. The priority lane ignores the
 * interval (hub.ts). Recomputed at most every `recomputeMs`, in O(busy rooms · log busy rooms).
 *
 * The interval applies to the rooms it saves frames in (`intervalFor`): a room whose messages come no faster
 * than a paced room's flushes (1000 / I a second) writes a frame per message either way, as the sum above
 * counts it, so it flushes at once. Before, every room on the node waited the node's interval: with the budget
 * cut at 50 000 fans, a room at 0.7 msgs/s (an artist every 2 s and 0.2 fan msgs/s) flushed once a second, which
 * saved a tenth of its frames and made its fans read a quarter later (docs/benchmarks.md, "Stop 34").
 */
export interface PacerOptions {
  /** Frames per second the node's fan-out may write before flushes are spaced out. */
  framesPerSecond: number;
  /** Longest interval between a room's flushes. */
  maxIntervalMs: number;
  /** Time constant of the rate averages (default 1000 ms). */
  windowMs?: number;
  /** Interval recomputation at most this often (default 50 ms). */
  recomputeMs?: number;
}

interface RoomRate {
  /** Decayed message count; the rate is acc / window. */
  acc: number;
  at: number;
  members: number;
  /** `acc` without the message that arrived at `at`: the rate a new message finds (it counts itself). */
  before: number;
}

export class FlushPacer {
  private readonly rooms = new Map<string, RoomRate>();
  private readonly windowMs: number;
  private readonly recomputeMs: number;
  private cached = 0;
  private computedAt = Number.NEGATIVE_INFINITY;
  private framesPerSecond: number;

  constructor(
    private readonly opts: PacerOptions,
    private readonly now: () => number,
  ) {
    this.windowMs = opts.windowMs ?? 1000;
    this.recomputeMs = opts.recomputeMs ?? 50;
    this.framesPerSecond = opts.framesPerSecond;
  }

  /** A message arrived for `room`, which has `members` local members now. */
  onMessage(room: string, members: number): void {
    const t = this.now();
    const r = this.rooms.get(room);
    if (r === undefined) {
      this.rooms.set(room, { acc: 1, at: t, members, before: 0 });
      return;
    }
    r.before = this.decayed(r, t);
    r.acc = r.before + 1;
    r.at = t;
    r.members = members;
  }

  /** The room has no local member any more. */
  forget(room: string): void {
    this.rooms.delete(room);
  }

  /** The budget in force: the configured one, or what the governor (fanout-governor.ts) set. */
  budget(): number {
    return this.framesPerSecond;
  }

  /** Sets the budget (frames per second) and recomputes the interval at the next ask. */
  setBudget(framesPerSecond: number): void {
    this.framesPerSecond = framesPerSecond;
    this.computedAt = Number.NEGATIVE_INFINITY;
  }

  /** Current interval between a room's flushes, ms: 0 while the node's demand fits the budget. */
  interval(): number {
    const t = this.now();
    if (t - this.computedAt < this.recomputeMs) return this.cached;
    this.computedAt = t;
    this.cached = this.compute(t);
    return this.cached;
  }

  /**
   * How long `room` waits between flushes: the node's interval, or 0 for a room whose message rate is at most
   * the flush rate the interval allows (spacing its flushes would only make its messages wait). The rate a
   * message finds is the one before it: read just after `onMessage`, the message's own count would make every
   * room look at least one message a window fast.
   */
  intervalFor(room: string): number {
    const interval = this.interval();
    if (interval === 0) return 0;
    const r = this.rooms.get(room);
    if (r === undefined) return 0;
    const rate = (this.decayed(r, this.now(), r.before) * 1000) / this.windowMs;
    return rate * interval <= 1000 ? 0 : interval;
  }

  /** Frames per second the node would write if every message were flushed on its own. */
  demand(): number {
    return this.frames(Number.POSITIVE_INFINITY);
  }

  /**
   * Frames per second the node writes with every room at the longest interval (Σ m · min(λ, 1000 / max)): a
   * budget below it spaces no flush further, as the interval is at its longest already.
   */
  framesAtLongestInterval(): number {
    return this.frames(1000 / this.opts.maxIntervalMs);
  }

  /** Σ m · min(λ, flushesPerSecond) over the rooms, as their rates stand now. */
  private frames(flushesPerSecond: number): number {
    const t = this.now();
    let sum = 0;
    for (const r of this.rooms.values())
      sum += r.members * Math.min(flushesPerSecond, (this.decayed(r, t) * 1000) / this.windowMs);
    return sum;
  }

  private compute(t: number): number {
    const busy: { rate: number; members: number }[] = [];
    let demand = 0;
    for (const [room, r] of this.rooms) {
      const acc = this.decayed(r, t);
      // Below one message per hundred windows the room is quiet: forget it (bounded memory).
      if (acc < 0.01) {
        this.rooms.delete(room);
        continue;
      }
      const rate = (acc * 1000) / this.windowMs;
      busy.push({ rate, members: r.members });
      demand += rate * r.members;
    }
    const budget = this.framesPerSecond;
    if (demand <= budget) return 0;
    // Solve Σ m·min(λ, x) = budget for x (flushes per second): rooms slower than x send all their messages.
    busy.sort((a, b) => a.rate - b.rate);
    let below = 0; // frames of rooms slower than x
    let above = busy.reduce((s, r) => s + r.members, 0); // members of rooms at least as fast as x
    let x = 0;
    for (const r of busy) {
      x = (budget - below) / above;
      if (x <= r.rate) break;
      below += r.members * r.rate;
      above -= r.members;
    }
    if (!(x > 0)) return this.opts.maxIntervalMs;
    return Math.min(this.opts.maxIntervalMs, 1000 / x);
  }

  /** `count` (the room's `acc` unless given, e.g. its `before`), as counted at `r.at`, decayed to `t`. */
  private decayed(r: RoomRate, t: number, count = r.acc): number {
    return count * Math.exp(-Math.max(0, t - r.at) / this.windowMs);
  }
}
