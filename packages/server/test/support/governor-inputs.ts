/**
 * What the fan-out governor (gateway/fanout-governor.ts) reads, as fakes the test sets: the loop's mean delay
 * and the writer's busy share. Shared by its unit tests and the regression tests that drive it on a fake clock.
 */
import type { LoopDelay } from '../../src/gateway/fanout-governor.ts';
import type { FanoutWriter } from '../../src/gateway/fanout-writer.ts';

/** A loop whose mean delay the test sets; `reset` is counted (once per period). */
export function fakeDelay(): LoopDelay & { ms: number; resets: number } {
  return {
    ms: 0,
    resets: 0,
    meanMs() {
      return this.ms;
    },
    reset() {
      this.resets++;
    },
  };
}

/** A writer busy `share` of every period: the governor takes share × the time since its last take. */
export function fakeWriter(clock: { now(): number }): Pick<FanoutWriter, 'takeBusyMs'> & { share: number } {
  let last = clock.now();
  return {
    share: 0,
    takeBusyMs() {
      const ms = (clock.now() - last) * this.share;
      last = clock.now();
      return ms;
    },
  };
}
