/**
 * A room had at most one flush in flight: a message that arrived while a pass over the room's members was being
 * written waited until the pass had reached the last member, then went out in a pass of its own from the first.
 * On a saturated box a pass over 12 500 members takes ~440 ms, so at 50 000 fans and 1 msg/s half the fan
 * messages (those arriving during the artist's or another fan's pass) waited ~430 ms before their own write began:
 * fan p50 635–790 ms against 317–377 ms for artist messages in the same runs (docs/benchmarks.md "Stop 23").
 * A flush taken during a pass now joins it: members not reached yet get it in the same write, the others in the
 * next pass, which skips members already up to date.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessagesFrame } from '@lightstick/protocol';
import { chatMessage, hubOnFakeClock } from '../support/hub-fixtures.ts';
import { Sink } from '../unit/chat-support.ts';

test('regression: a message arriving during a fan-out pass waits for the whole pass', async () => {
  // Light load (every message flushes at once); 100 members are a pass of 10 slices.
  const { clock, hub, sinks, broker } = await hubOnFakeClock(
    { framesPerSecond: 1e6, sliceSockets: 10 },
    100,
    (id) => new Sink(id),
  );
  const offsets = (s: Sink) =>
    s.written.flatMap((f) => (JSON.parse(f.text) as MessagesFrame).msgs.map((m) => m.offset));

  hub.onPublication('room', { kind: 'message', message: chatMessage(1) });
  clock.turn(); // the pass for message 1 begins: 10 members have it
  hub.onPublication('room', { kind: 'message', message: chatMessage(2) });
  let turns = 0;
  while (!sinks.every((s) => offsets(s).includes(2))) {
    clock.turn();
    turns++;
    assert.ok(turns < 50, 'message 2 reaches everyone');
  }
  // Before: 9 more turns to finish the first pass, then 10 for message 2's own pass (19). Now message 2 rides
  // with the first pass to the 80 members it had not reached, and a second pass brings it to the first 20.
  assert.ok(turns <= 11, `message 2 reached the last member ${turns} loop turns after it arrived`);
  for (const s of sinks) assert.deepEqual(offsets(s), [1, 2], `${s.id} has both, in order`);
  clock.settle();
  // Since stop 48 the members the first pass reached after message 2 arrived get both in one frame.
  assert.ok(
    sinks.every((s) => offsets(s).length === 2 && s.written.length <= 2),
    'nothing twice, at most two frames each',
  );
  await broker.close();
});
