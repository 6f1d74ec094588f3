/**
 * A room's `stats` frame (its viewer count) took a pass over the room's members of its own whenever the count
 * changed, however soon the room's next messages were to go out: one more socket write per member, the same cost
 * as a message. In a big room with few messages and a count that keeps moving (fans come and go, hearts are
 * tapped all through a live) the node paid such a pass every time the room's gap allowed. The frame now
 * waits for the room's next flush (up to half of what its gap adds to the interval) and rides it in the same
 * write; a room with no flush that soon still gets it alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatsFrame } from '@lightstick/protocol';
import { MemoryBroker } from '../../src/broker/memory.ts';
import { RoomCounters } from '../../src/gateway/room-counters.ts';
import { MemoryPresenceStore } from '../../src/presence/memory.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';
import { chatMessage, testHub } from '../support/hub-fixtures.ts';
import { Sink, silentLogger } from '../unit/chat-support.ts';

/** A member that reads the viewer counts it was sent (`writes`, from Sink, counts its write calls). */
class CountingSink extends Sink {
  stats(): number[] {
    return this.written
      .map((f) => JSON.parse(f.text) as StatsFrame)
      .filter((f) => f.t === 'stats')
      .map((f) => f.viewers);
  }
}

test('regression: a stats frame takes a pass of its own instead of riding the next messages', async () => {
  const clock = fakeScheduler(0);
  const hub = testHub(new MemoryBroker(), clock);
  const presence = new MemoryPresenceStore({
    now: () => clock.now(),
    id: () => 'x',
    random: () => Buffer.alloc(0),
  });
  // 100 members at 20 stats writes a second: a count at most every 5 s, waiting up to 2 s for a flush.
  const counters = new RoomCounters({
    node: 'n0',
    presence,
    hub,
    logger: silentLogger(),
    scheduler: clock,
    intervalMs: 1000,
    statsFramesPerSecond: 20,
  });
  const members = Array.from({ length: 100 }, (_, i) => new CountingSink(`s${i}`));
  for (const s of members) await hub.add('room', s);
  counters.start();
  const second = async () => {
    clock.advance(1000);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      clock.settle();
    }
  };
  const first = members[0]!;

  // 30 s: a fan joins every second (the count changes at every report), a message every 2 s.
  let offset = 0;
  for (let s = 1; s <= 30; s++) {
    await hub.add('room', new CountingSink(`late${s}`));
    if (s % 2 === 0) hub.onPublication('room', { kind: 'message', message: chatMessage(++offset) });
    await second();
  }
  assert.equal(
    first.writes,
    15,
    `one write per message flush, the count riding them: ${first.writes} writes`,
  );
  const seen = first.stats();
  // At most one count per gap (5 s for 100 members at 20 a second, a little more as the room grows).
  assert.ok(seen.length >= 5 && seen.length <= 7, `counts seen: ${JSON.stringify(seen)}`);
  assert.ok(seen.at(-1)! >= 120, `a count at most a gap old: ${JSON.stringify(seen)}`);

  // The messages stop: the count still goes out alone, a little after it is due.
  for (let s = 0; s < 10; s++) await second();
  assert.equal(first.stats().at(-1), 130);
  assert.equal(first.writes, 16, 'one frame of its own');
  await counters.stop();
});
