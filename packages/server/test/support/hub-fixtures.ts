/**
 * A Hub on a fake clock with sink members, and chat messages to publish into it: what the tests of the fan-out
 * engine (hub, pacer, writer, outbox), the room counters, the fan delay and the SDK's room positions share.
 */
import type { ChatMessage } from '@lightstick/protocol';
import { Hub, type FanoutOptions } from '../../src/gateway/hub.ts';
import { MemoryBroker } from '../../src/broker/memory.ts';
import type { Scheduler } from '../../src/gateway/scheduler.ts';
import { fakeScheduler } from './fake-scheduler.ts';
import { silentLogger, testMetrics, type Sink } from '../unit/chat-support.ts';

/**
 * A chat message at `offset` of room 'room' in epoch 'E', a fan's (an artist's when `priority`), with `over`
 * replacing any field.
 */
export const chatMessage = (offset: number, over: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m${offset}`,
  room: 'room',
  pos: { epoch: 'E', offset },
  cid: `c${offset}`,
  user: { id: 'u', name: 'u', displayName: 'U' },
  role: over.priority === true ? 'artist' : 'fan',
  priority: false,
  text: `t${offset}`,
  ts: 0,
  ...over,
});

/**
 * A copy of `message` that counts how often a text is made of it: its `text` is a getter that counts its reads,
 * and making either of its texts (gateway/message-texts.ts: JSON.stringify of it whole, or of its live form,
 * whose making copies the fields) reads it once. The tests of the kept message texts read the count.
 */
export function countingJson(message: ChatMessage): { message: ChatMessage; made: () => number } {
  let made = 0;
  const { text, ...rest } = message;
  const counted = { ...rest } as ChatMessage;
  Object.defineProperty(counted, 'text', {
    enumerable: true,
    get() {
      made++;
      return text;
    },
  });
  return { message: counted, made: () => made };
}

/** A Hub over `broker` (started here, with no handlers of its own) on `scheduler`; `fanout` unset: the default. */
export function testHub(
  broker: MemoryBroker,
  scheduler: Scheduler,
  fanout?: FanoutOptions,
  metrics = testMetrics(),
): Hub {
  const started = broker.start({ onPublication: () => {}, onControl: () => {} });
  return new Hub({
    broker,
    metrics,
    logger: silentLogger(),
    started,
    limits: { softBufferBytes: 1e6, hardBufferBytes: 1e7 },
    ...(fanout ? { fanout } : {}),
    scheduler,
  });
}

/** A Hub whose room 'room' has `members` sinks (made by `sink`), on a fake clock and a memory broker. */
export async function hubOnFakeClock<S extends Sink>(
  fanout: Partial<FanoutOptions>,
  members: number,
  sink: (id: string) => S,
) {
  const clock = fakeScheduler(1000);
  const broker = new MemoryBroker();
  const metrics = testMetrics();
  const hub = testHub(
    broker,
    clock,
    { framesPerSecond: 1000, maxIntervalMs: 1000, sliceSockets: 1_000_000, ...fanout },
    metrics,
  );
  const sinks = Array.from({ length: members }, (_, i) => sink(`s${i}`));
  for (const s of sinks) await hub.add('room', s);
  return { clock, hub, sinks, broker, metrics };
}
