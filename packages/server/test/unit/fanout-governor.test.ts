/**
 * The fan-out budget follows the node's measured event-loop delay (gateway/fanout-governor.ts), with a fake
 * clock and a fake delay: a lagging loop shrinks the budget below what the node was writing, so a busy room's
 * flushes are spaced out at once; a healthy loop brings it back to the configured ceiling; it never goes below
 * the floor nor above the ceiling; 0 as the target leaves the budget fixed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FanoutGovernor, type LoopDelay } from '../../src/gateway/fanout-governor.ts';
import { FlushPacer } from '../../src/gateway/pacer.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';

/** A loop whose mean delay the test sets; `reset` is counted (once per period). */
function fakeDelay(): LoopDelay & { ms: number; resets: number } {
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

function setup(lagTargetMs = 50) {
  const clock = fakeScheduler();
  const pacer = new FlushPacer({ framesPerSecond: 50_000, maxIntervalMs: 1000 }, () => clock.now());
  const delay = fakeDelay();
  const told: number[] = [];
  const governor = new FanoutGovernor(
    { ceiling: 50_000, floor: 1000, lagTargetMs, periodMs: 500 },
    pacer,
    delay,
    clock,
    (b) => told.push(b),
  );
  // One room of 6 000 local members receiving 2 messages a second: 12 000 frames a second unpaced.
  const traffic = (seconds: number) => {
    for (let i = 0; i < seconds * 2; i++) {
      pacer.onMessage('room', 6000);
      clock.advance(500);
    }
  };
  return { clock, pacer, delay, told, governor, traffic };
}

describe('fan-out governor', () => {
  test('a lagging loop shrinks the budget below what the node writes: flushes are spaced out at once', () => {
    const { pacer, delay, governor, traffic, told } = setup();
    traffic(5);
    assert.equal(pacer.interval(), 0, 'within the configured budget every message goes out at once');
    governor.start();
    delay.ms = 180; // the process waits for a core: its timers run 180 ms late
    traffic(0.5);
    // One period: 70 % of the demand it had then (the rate average still climbs, so compare with a margin).
    const demand = pacer.demand();
    assert.ok(pacer.budget() <= 0.75 * demand, `budget ${pacer.budget()} vs demand ${demand}`);
    assert.ok(pacer.interval() > 0, 'a room flush now carries several messages');
    assert.deepEqual(told, [pacer.budget()]);
    // Still lagging: it keeps falling, down to the floor and no further.
    traffic(10);
    assert.equal(pacer.budget(), 1000);
    assert.equal(pacer.interval(), 1000, 'at most the longest interval');
    governor.stop();
  });

  test('a healthy loop grows the budget back to the ceiling, and the interval back to 0', () => {
    const { pacer, delay, governor, traffic } = setup();
    governor.start();
    delay.ms = 200;
    traffic(10);
    assert.equal(pacer.budget(), 1000);
    delay.ms = 2;
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      traffic(0.5);
      seen.push(pacer.budget());
    }
    assert.ok(
      seen.every((b, i) => i === 0 || b >= seen[i - 1]!),
      `never falls while healthy: ${seen.join(' ')}`,
    );
    assert.equal(pacer.budget(), 50_000, 'back to the ceiling within ten periods');
    assert.equal(pacer.interval(), 0);
    governor.stop();
  });

  test('between half the target and the target the budget holds', () => {
    const { pacer, delay, governor, traffic } = setup();
    governor.start();
    delay.ms = 120;
    traffic(1);
    const held = pacer.budget();
    delay.ms = 30;
    traffic(3);
    assert.equal(pacer.budget(), held);
    governor.stop();
  });

  test('target 0 leaves the configured budget alone; stop ends the adjustments', () => {
    const off = setup(0);
    off.governor.start();
    off.delay.ms = 500;
    off.traffic(5);
    assert.equal(off.pacer.budget(), 50_000);
    assert.equal(off.delay.resets, 0, 'not even read');

    const on = setup();
    on.governor.start();
    on.traffic(1);
    on.governor.stop();
    const resets = on.delay.resets;
    on.delay.ms = 500;
    on.traffic(5);
    assert.equal(on.pacer.budget(), 50_000);
    assert.equal(on.delay.resets, resets);
  });
});
