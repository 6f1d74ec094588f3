/**
 * The fan-out governor moved the budget on each period's busy share of the writer, and a busy room is written in
 * passes, one an interval: with the interval near the governor's 500 ms period, a period held no pass, one or
 * two. A gateway writing 20 000 × 20 msgs/s (two gateways) read 0.01, 0.1, 0.9 and 1.0 within seconds though its
 * writer was busy about half the time on average; each high reading cut the budget to 70 %, each low one grew it,
 * so it swung between 10 700 and 28 400 frames/s and the room's interval between 0.29 and 0.79 s. A fan's wait is
 * the interval in force when its message came, so the fans' p99 followed the longest intervals
 * (docs/benchmarks.md, "Stop 50"). The share is now judged over a window of periods (fanout-governor.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { governedPacer } from '../support/governor-inputs.ts';

test('regression: the budget swings with passes that alias the governor period', () => {
  const { clock, pacer, delay, writer, told, governor } = governedPacer({ lagTargetMs: 50, busyTarget: 0.7 });
  // One room of 10 000 local members at 20 msgs/s: 200 000 frames/s unpaced, so the budget sets the interval.
  const period = () => {
    for (let i = 0; i < 10; i++) pacer.onMessage('room', 10_000);
    clock.advance(500);
  };
  for (let i = 0; i < 4; i++) period();
  governor.start();
  delay.ms = 100; // one lagging period: the budget is cut to 35 000, under the demand and the ceiling
  period();
  assert.deepEqual(told, [35_000]);
  told.length = 0;
  delay.ms = 10; // the loop on time: only the writer's share speaks
  // Passes every ~450 ms seen through 500 ms periods: a pass, part of one, two... Over any four periods the
  // writer is busy 56–69 % of the time: between the aim (80 % of the target) and the target.
  const shares = [0.95, 0.3, 0.9, 0.35, 0.95, 0.25, 0.7, 0.6];
  const intervals = new Set<number>();
  for (let i = 0; i < 60; i++) {
    writer.share = shares[i % shares.length]!;
    period();
    intervals.add(pacer.interval());
  }
  governor.stop();
  // Busy 56–69 % over any two seconds: inside the band where the budget holds.
  assert.deepEqual(told, [], `the budget moved: ${told.join(', ')}`);
  assert.equal(intervals.size, 1, `the interval moved: ${[...intervals].join(', ')} ms`);
});
