/**
 * The timers the fan-out engine uses (flush intervals, write slices), behind one small interface so the
 * unit tests drive them with a fake clock (test/support/fake-scheduler.ts) and assert exact behaviour:
 * when a room flushes, how the interval follows load, that the priority lane is never delayed.
 */
export interface Scheduler {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Runs `fn` after the I/O of the current loop turn: reads and acks waiting in the kernel go first. */
  setImmediate(fn: () => void): void;
}

export type TimerHandle = { readonly __timer: true };

export const systemScheduler: Scheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
  setImmediate: (fn) => void setImmediate(fn),
};
