/**
 * Turns a fan's taps into `heart` ops: taps as fast as they like, at most one op per `intervalMs` carrying
 * the count of the taps since the last one (the server limits and aggregates; one op per tap would be
 * wasted frames). Timer functions are injected so unit tests run without real time.
 */
import { FandomLimits } from '@lightstick/protocol';

export interface HeartSink {
  heart(room: string, count: number): void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Largest count one op carries; more taps wait for the next op. */
export const MAX_HEARTS_PER_OP = FandomLimits.heartsPerOp;
export const HEART_FLUSH_MS = 250;

export class HeartBatcher {
  private pending = 0;
  private timer: unknown = null;

  constructor(
    private readonly sink: HeartSink,
    private readonly room: string,
    private readonly intervalMs = HEART_FLUSH_MS,
    private readonly timers: Timers = {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    },
  ) {}

  /** One tap (or `n`): sent with the next flush. */
  tap(n = 1): void {
    this.pending += n;
    if (this.timer === null) this.timer = this.timers.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Sends what is pending now (at most MAX_HEARTS_PER_OP; the rest waits for the next interval). */
  flush(): void {
    this.timer = null;
    this.sendOne();
    if (this.pending > 0) this.timer = this.timers.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Sends what is left and stops (leaving the room). */
  dispose(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    while (this.pending > 0) this.sendOne();
  }

  private sendOne(): void {
    if (this.pending <= 0) return;
    const count = Math.min(this.pending, MAX_HEARTS_PER_OP);
    this.pending -= count;
    this.sink.heart(this.room, count);
  }
}
