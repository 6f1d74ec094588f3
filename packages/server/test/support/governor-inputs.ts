/**
 * What the fan-out governor (gateway/fanout-governor.ts) reads, as fakes the test sets: the loop's mean delay
 * and the writer's busy share; and a pacer under a governor on a fake clock, built from them. Shared by its unit
 * tests and the regression tests that drive it on a fake clock.
 */
import { FanoutGovernor, type LoopDelay } from '../../src/gateway/fanout-governor.ts';
import type { FanoutWriter } from '../../src/gateway/fanout-writer.ts';
import { FlushPacer } from '../../src/gateway/pacer.ts';
import { fakeScheduler } from './fake-scheduler.ts';

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

/**
 * A pacer (50 000 frames/s, intervals up to 1 s) and its governor (ceiling 50 000, floor 1 000, a 500 ms period)
 * on a fake clock, with fake inputs; `told` collects the budgets it sets and `busy` the shares it reports.
 */
export function governedPacer(targets: { lagTargetMs: number; busyTarget: number }) {
  const clock = fakeScheduler();
  const pacer = new FlushPacer({ framesPerSecond: 50_000, maxIntervalMs: 1000 }, () => clock.now());
  const delay = fakeDelay();
  const writer = fakeWriter(clock);
  const told: number[] = [];
  const busy: number[] = [];
  const governor = new FanoutGovernor(
    { ceiling: 50_000, floor: 1000, ...targets, periodMs: 500 },
    pacer,
    delay,
    clock,
    writer,
    (b) => told.push(b),
    (share) => busy.push(share),
  );
  return { clock, pacer, delay, writer, told, busy, governor };
}
