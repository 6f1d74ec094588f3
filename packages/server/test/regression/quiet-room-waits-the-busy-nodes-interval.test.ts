/**
 * Every room on a node waited the node's flush interval, however quiet: a message arriving less than an interval
 * after its room's last flush was held until the interval had passed, though a room that gets fewer messages a
 * second than a paced room gets flushes writes one frame per message either way (the pacer's own sum counts it
 * so). At 50 000 fans over 4 gateways, with the budget cut to its floor, a room at 0.7 msgs/s (0.2 fan msgs/s
 * and an artist message every 2 s) flushed once a second, saving a tenth of its frames: fan p50 / p99 1.88 /
 * 3.44 s, and 1.39 / 2.43 s once it flushed at once (docs/benchmarks.md, "Stop 34"). A room whose rate is at
 * most the interval's flush rate now flushes at once; a busier room still waits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessagesFrame } from '@lightstick/protocol';
import { MemoryBroker } from '../../src/broker/memory.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';
import { chatMessage, testHub } from '../support/hub-fixtures.ts';
import { Sink } from '../unit/chat-support.ts';

test('regression: a quiet room waits the interval the node set for its busy room', async () => {
  const clock = fakeScheduler(1000);
  const broker = new MemoryBroker();
  // 1 000 frames/s: the busy room's 100 members at 20 msgs/s want 2 000, so its flushes are 100 ms apart.
  const hub = testHub(broker, clock, { framesPerSecond: 1000, maxIntervalMs: 1000, sliceSockets: 1_000_000 });
  const busy = Array.from({ length: 100 }, (_, i) => new Sink(`b${i}`));
  const quiet = Array.from({ length: 10 }, (_, i) => new Sink(`q${i}`));
  for (const s of busy) await hub.add('busy', s);
  for (const s of quiet) await hub.add('quiet', s);
  const offsets = (s: Sink) =>
    s.written.flatMap((f) => (JSON.parse(f.text) as MessagesFrame).msgs.map((m) => m.offset));

  let offset = 0;
  for (let t = 0; t < 3000; t += 50) {
    hub.onPublication('busy', { kind: 'message', message: chatMessage(++offset, { room: 'busy' }) });
    // The quiet room: two messages 50 ms apart once a second (about 2 msgs/s, far under 10 flushes/s).
    if (t % 1000 === 0 || t % 1000 === 50)
      hub.onPublication('quiet', { kind: 'message', message: chatMessage(++offset, { room: 'quiet' }) });
    clock.settle();
    clock.advance(50);
  }
  const interval = hub.pacer.interval();
  assert.ok(interval > 90 && interval < 120, `the node paces its busy room: ${interval} ms`);

  // The busy room still waits its interval: a message right after its flush is not written on the next turn.
  clock.advance(200);
  clock.settle();
  const busyBefore = busy[0]!.written.length;
  hub.onPublication('busy', { kind: 'message', message: chatMessage(++offset, { room: 'busy' }) });
  clock.settle();
  hub.onPublication('busy', { kind: 'message', message: chatMessage(++offset, { room: 'busy' }) });
  clock.settle();
  assert.equal(busy[0]!.written.length, busyBefore + 1, 'the busy room: the second message waits');

  // The quiet room: a message 0 ms after its last flush goes out on the next turn. Before, it waited ~100 ms.
  const q = chatMessage(++offset, { room: 'quiet' });
  hub.onPublication('quiet', { kind: 'message', message: q });
  clock.settle();
  const q2 = chatMessage(++offset, { room: 'quiet' });
  hub.onPublication('quiet', { kind: 'message', message: q2 });
  clock.settle();
  for (const s of quiet) assert.deepEqual(offsets(s).slice(-2), [q.pos.offset, q2.pos.offset], s.id);
  await broker.close();
});
