/**
 * A Hub on a fake clock with sink members, and chat messages to publish into it: what the fan-out engine's unit
 * and regression tests share (gateway/hub.ts, pacer.ts, fanout-writer.ts).
 */
import type { ChatMessage } from '@lightstick/protocol';
import { Hub, type FanoutOptions } from '../../src/gateway/hub.ts';
import { MemoryBroker } from '../../src/broker/memory.ts';
import { fakeScheduler } from './fake-scheduler.ts';
import { silentLogger, testMetrics, type Sink } from '../unit/chat-support.ts';

/** A chat message at `offset` of `room`; a priority one is the artist's. */
export const chatMessage = (offset: number, room = 'room', priority = false): ChatMessage => ({
  id: `m${offset}`,
  room,
  pos: { epoch: 'E', offset },
  cid: `c${offset}`,
  user: { id: 'u', name: 'u', displayName: 'U' },
  role: priority ? 'artist' : 'fan',
  priority,
  text: `t${offset}`,
  ts: 0,
});

/** A Hub whose room 'room' has `members` sinks (made by `sink`), on a fake clock and a memory broker. */
export async function hubOnFakeClock<S extends Sink>(
  fanout: Partial<FanoutOptions>,
  members: number,
  sink: (id: string) => S,
) {
  const clock = fakeScheduler(1000);
  const broker = new MemoryBroker();
  const started = broker.start({ onPublication: () => {}, onControl: () => {} });
  const hub = new Hub({
    broker,
    metrics: testMetrics(),
    logger: silentLogger(),
    started,
    limits: { softBufferBytes: 1e6, hardBufferBytes: 1e7 },
    fanout: { framesPerSecond: 1000, maxIntervalMs: 1000, sliceSockets: 1_000_000, ...fanout },
    scheduler: clock,
  });
  const sinks = Array.from({ length: members }, (_, i) => sink(`s${i}`));
  for (const s of sinks) await hub.add('room', s);
  return { clock, hub, sinks, broker };
}
