/**
 * The fan-out governor cut the budget every period its measures stayed over target, down to the floor, though
 * below what the rooms write at the longest interval a cut saves nothing: the interval cannot grow past its
 * longest. On a gateway that never gets a whole core (six on two in the benchmarks) the budget sat at its floor,
 * a fiftieth of the ceiling, whatever the load: 20 000 local members at 20 msgs/s were budgeted 1 000 frames/s
 * while writing 20 000 (docs/benchmarks.md, "Stop 34": 500–788 frames/s at 50 000 fans over 4 gateways at every
 * rate). When the load fell, the budget grew back from the floor, half again each period, before a room flushed
 * sooner than once a second: here, after a stall at 20 msgs/s, the room at 2 msgs/s waited its interval 4.5 s
 * more, against 3 s from where the interval had reached its longest. A cut now stops there (fanout-governor.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { governedPacer } from '../support/governor-inputs.ts';

test('regression: the budget winds down past the longest interval and the way back starts at the floor', () => {
  // The writer never busy: the loop's delay alone runs the governor here.
  const { clock, pacer, delay, governor } = governedPacer({ lagTargetMs: 50, busyTarget: 0 });
  const members = 20_000;
  /** `seconds` of one room's messages at `rate` a second; the governor's timer runs as the clock goes. */
  const traffic = (rate: number, seconds: number) => {
    for (let i = 0; i < seconds * rate; i++) {
      pacer.onMessage('room', members);
      clock.advance(1000 / rate);
    }
  };
  governor.start();

  // A stall at 20 msgs/s: the loop runs 200 ms late for ten seconds.
  delay.ms = 200;
  traffic(20, 10);
  assert.equal(pacer.interval(), 1000, 'the interval at its longest');
  const longest = pacer.framesAtLongestInterval();
  assert.ok(Math.abs(longest - members) < 1, `one frame a second to each member: ${longest}`);
  assert.ok(pacer.budget() >= longest, `budget ${pacer.budget()}, the longest interval writes ${longest}`);

  // The load falls to 2 msgs/s and the loop is healthy: how long until a message goes out at once again.
  delay.ms = 2;
  let waitedMs = 0;
  while (pacer.interval() > 0 && waitedMs < 30_000) {
    traffic(2, 0.5);
    waitedMs += 500;
  }
  // From the longest interval's 20 000 the budget passes the demand (falling towards 40 000) in 3 s; from the
  // floor's 1 000 it took 4.5 s.
  assert.ok(waitedMs <= 3000, `interval back to 0 after ${waitedMs} ms`);
  governor.stop();
});
