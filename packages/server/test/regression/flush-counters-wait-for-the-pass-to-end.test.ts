/**
 * Stop 32, `live` 100 000 x 20 msgs/s over 6 gateways: a gateway's pass over its 16 667 sockets, 200 a turn of a
 * loop that lagged a second, took most of a minute, and `lightstick_fanout_frames_total` and
 * `lightstick_messages_delivered_total` moved once in 30 s while the clients counted 15.7 million deliveries: a
 * flush reported its counts only when every member had it. They now move after every slice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatMessage, hubOnFakeClock } from '../support/hub-fixtures.ts';
import { Sink } from '../unit/chat-support.ts';

async function counter(metric: { get(): Promise<{ values: { value: number }[] }> }): Promise<number> {
  return (await metric.get()).values.reduce((n, v) => n + v.value, 0);
}

test('flush-counters-wait-for-the-pass-to-end: frames and deliveries count as each slice is written', async () => {
  const { clock, hub, broker, metrics } = await hubOnFakeClock(
    { sliceSockets: 10 },
    35,
    (id) => new Sink(id),
  );
  hub.onPublication('room', { kind: 'message', message: chatMessage(1) });
  hub.onPublication('room', { kind: 'message', message: chatMessage(2) });
  clock.turn(); // the flush and its first slice: 10 of 35 members written
  assert.equal(await counter(metrics.fanoutFrames), 10, 'one frame to each member of the first slice');
  assert.equal(await counter(metrics.messagesDelivered), 20, 'two messages in it');
  clock.turn();
  assert.equal(await counter(metrics.fanoutFrames), 20);
  clock.settle();
  // The pass done: every member counted once, nothing twice.
  assert.equal(await counter(metrics.fanoutFrames), 35);
  assert.equal(await counter(metrics.messagesDelivered), 70);
  await broker.close();
});
