/**
 * The fan-out budget follows the node's measured event-loop delay and its fan-out writer's busy share
 * (gateway/fanout-governor.ts), with a fake clock, a fake delay and a fake writer: a lagging loop or a writer
 * busy past its target shrinks the budget below what the node was writing, so a busy room's flushes are spaced
 * out at once; a healthy node brings it back to the configured ceiling; it never goes below the floor, nor below
 * what the rooms write at the longest interval, nor above the ceiling; 0 as both targets leaves the budget fixed.
 * The writer's share is judged over a window of periods and steers the budget to where the writer is busy
 * 80 % of its target (the aim): up from under the aim, down from over the target, held between.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AIM, BUSY_WINDOW } from '../../src/gateway/fanout-governor.ts';
import { governedPacer } from '../support/governor-inputs.ts';

function setup(lagTargetMs = 50, busyTarget = 0) {
  const { clock, pacer, delay, writer, told, busy, governor } = governedPacer({ lagTargetMs, busyTarget });
  // One room of 6 000 local members receiving 2 messages a second: 12 000 frames a second unpaced.
  const traffic = (seconds: number) => {
    for (let i = 0; i < seconds * 2; i++) {
      pacer.onMessage('room', 6000);
      clock.advance(500);
    }
  };
  return { clock, pacer, delay, writer, told, busy, governor, traffic };
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
    // Still lagging: it keeps falling, down to what the room writes at the longest interval (one frame a second
    // to each of its 6 000 members) and no further: below that a cut spaces no flush further.
    traffic(10);
    assert.ok(Math.abs(pacer.budget() - 6000) <= 1, `budget ${pacer.budget()}`);
    assert.equal(pacer.interval(), 1000, 'at most the longest interval');
    governor.stop();
  });

  test('a small room lagging: the budget stops at the floor', () => {
    const { clock, pacer, delay, governor } = setup();
    governor.start();
    delay.ms = 200;
    // Not setup's traffic: one room of 300 members at 2 msgs/s, 600 frames a second, 300 at the longest
    // interval, both under the floor.
    for (let i = 0; i < 20; i++) {
      pacer.onMessage('small', 300);
      clock.advance(500);
    }
    assert.equal(pacer.budget(), 1000);
    assert.equal(pacer.interval(), 0, 'within the floor every message still goes out at once');
    governor.stop();
  });

  test('a healthy loop grows the budget back to the ceiling, and the interval back to 0', () => {
    const { pacer, delay, governor, traffic } = setup();
    governor.start();
    delay.ms = 200;
    traffic(10);
    assert.ok(pacer.budget() <= 6000, `budget ${pacer.budget()}`);
    assert.equal(pacer.interval(), 1000);
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

  test('targets 0 leave the configured budget alone; stop ends the adjustments', () => {
    const off = setup(0, 0);
    off.governor.start();
    off.delay.ms = 500;
    off.writer.share = 1;
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

  test('a writer busy past its target shrinks the budget while the loop looks healthy', () => {
    const { pacer, delay, writer, governor, traffic, busy } = setup(50, 0.7);
    governor.start();
    delay.ms = 5; // the writer yields between slices: timers stay on time
    writer.share = 0.95; // but it is never idle: the node is at its fan-out saturation
    traffic((BUSY_WINDOW - 1) * 0.5);
    assert.equal(pacer.budget(), 50_000, 'the busy share is judged over a whole window');
    traffic(0.5);
    assert.ok(pacer.budget() < 50_000, `budget ${pacer.budget()}`);
    assert.ok(pacer.interval() > 0, 'a room flush now carries several messages');
    assert.equal(busy.at(-1), 0.95, 'the busy share is reported each period');
    // Busy between the aim (80 % of the target) and the target: held.
    writer.share = 0.6;
    traffic(0.5);
    const held = pacer.budget();
    traffic(3);
    assert.equal(pacer.budget(), held);
    // Idle enough, and the loop healthy: back to the ceiling, half again a window (from 6 000: six steps).
    writer.share = 0.1;
    traffic(11);
    assert.equal(pacer.budget(), 50_000);
    governor.stop();
  });

  test('a healthy loop does not grow the budget back while the writer is busy near its target', () => {
    const { pacer, delay, writer, governor, traffic } = setup(50, 0.7);
    governor.start();
    writer.share = 0.6; // under the target (no cut) but over the aim, 80 % of it (no growth)
    delay.ms = 200;
    traffic(10);
    const cut = pacer.budget();
    assert.ok(cut < 50_000);
    delay.ms = 2;
    traffic(3);
    assert.equal(pacer.budget(), cut);
    governor.stop();
  });

  test('the writer busy under the aim grows the budget toward it; over the target cuts it to the aim', () => {
    const { clock, pacer, delay, writer, governor, told } = setup(50, 0.7);
    // A room of 10 000 at 20 msgs/s: 200 000 frames/s unpaced, far over every budget below.
    const periods = (n: number) => {
      for (let p = 0; p < n; p++) {
        for (let i = 0; i < 10; i++) pacer.onMessage('big', 10_000);
        clock.advance(500);
      }
    };
    periods(4);
    governor.start();
    delay.ms = 100; // one lagging period: 70 % of the budget
    periods(1);
    assert.deepEqual(told, [35_000]);
    delay.ms = 5;
    writer.share = 0.4; // busy under the aim (0.56): up by 0.56 / 0.4 after a window
    periods(BUSY_WINDOW);
    assert.equal(pacer.budget(), Math.round(35_000 * ((AIM * 0.7) / 0.4)));
    writer.share = 0.8; // over the target: down to the aim, by 0.56 / 0.8
    periods(BUSY_WINDOW);
    assert.equal(pacer.budget(), Math.round(Math.round(35_000 * ((AIM * 0.7) / 0.4)) * ((AIM * 0.7) / 0.8)));
    writer.share = 0.6; // between the aim and the target: held
    periods(3 * BUSY_WINDOW);
    assert.equal(told.length, 3);
    governor.stop();
  });

  test('the busy target alone runs the governor; the lag target alone ignores the writer', () => {
    const busyOnly = setup(0, 0.7);
    busyOnly.governor.start();
    busyOnly.traffic(1);
    busyOnly.delay.ms = 500; // not read: its target is 0
    busyOnly.traffic(2);
    assert.equal(busyOnly.pacer.budget(), 50_000);
    assert.equal(busyOnly.delay.resets, 0, 'the delay is not even read');
    busyOnly.writer.share = 1;
    busyOnly.traffic(2); // over the target once most of the window is
    assert.ok(busyOnly.pacer.budget() < 50_000);
    busyOnly.governor.stop();

    const lagOnly = setup(50, 0);
    lagOnly.governor.start();
    lagOnly.writer.share = 1;
    lagOnly.traffic(3);
    assert.equal(lagOnly.pacer.budget(), 50_000);
    lagOnly.governor.stop();
  });
});
