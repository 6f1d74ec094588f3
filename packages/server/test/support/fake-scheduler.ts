/**
 * A Scheduler (gateway/scheduler.ts) whose clock moves only when the test says so: timers fire in time order
 * during `advance`, and immediates run when `turn` (one loop turn) or `settle` (until none are left) is called.
 * Lets the fan-out tests assert exactly when a room flushes, without real waiting.
 */
import type { Scheduler, TimerHandle } from '../../src/gateway/scheduler.ts';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface FakeScheduler extends Scheduler {
  /** Moves the clock by `ms`, firing due timers (and the immediates they queue) in order. */
  advance(ms: number): void;
  /** Runs the immediates queued before this call (one turn of the event loop); returns how many ran. */
  turn(): number;
  /** Runs turns until no immediate is left; returns how many turns it took. */
  settle(): number;
  /** Timers not yet fired. */
  readonly timers: number;
}

export function fakeScheduler(start = 0): FakeScheduler {
  let now = start;
  let seq = 0;
  let timers: Timer[] = [];
  let immediates: (() => void)[] = [];
  const turn = () => {
    const batch = immediates;
    immediates = [];
    for (const fn of batch) fn();
    return batch.length;
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const t: Timer = { at: now + Math.max(0, ms), seq: seq++, fn, cancelled: false };
      timers.push(t);
      return t as unknown as TimerHandle;
    },
    clearTimeout(h) {
      (h as unknown as Timer).cancelled = true;
    },
    setImmediate(fn) {
      immediates.push(fn);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers = timers.filter((t) => !t.cancelled);
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
        if (due === undefined) break;
        timers.splice(timers.indexOf(due), 1);
        now = Math.max(now, due.at);
        due.fn();
        while (turn() > 0);
      }
      now = end;
    },
    turn,
    settle() {
      let turns = 0;
      while (turn() > 0) turns++;
      return turns;
    },
    get timers() {
      return timers.filter((t) => !t.cancelled).length;
    },
  };
}
