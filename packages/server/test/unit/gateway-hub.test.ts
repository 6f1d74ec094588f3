import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, MessagesFrame } from '@lightstick/protocol';
import { Hub } from '../../src/gateway/hub.ts';
import { MemoryBroker } from '../../src/broker/memory.ts';
import type { Publication } from '../../src/broker/broker.ts';
import { Sink, silentLogger, testMetrics } from './chat-support.ts';
import { chatMessage } from '../support/hub-fixtures.ts';

const msg = (room: string, offset: number): ChatMessage => chatMessage(offset, { room });

/** A real memory broker whose subscribe/unsubscribe calls are recorded. */
function recordingBroker(calls: string[]): MemoryBroker {
  const b = new MemoryBroker();
  return new Proxy(b, {
    get(target, key) {
      const v = Reflect.get(target, key) as unknown;
      if (typeof v !== 'function') return v;
      if (key === 'subscribe' || key === 'unsubscribe') {
        return (chs: string[]) => {
          calls.push(`${String(key)}:${chs.join(',')}`);
          return (v as (c: string[]) => Promise<void>).call(target, chs);
        };
      }
      return v.bind(target);
    },
  });
}

async function setup() {
  const calls: string[] = [];
  const broker = recordingBroker(calls);
  const metrics = testMetrics();
  const handlers = {
    onPublication: (r: string, p: Publication) => hub.onPublication(r, p),
    onControl: () => {},
  };
  const started = broker.start(handlers);
  const hub = new Hub({
    broker,
    metrics,
    logger: silentLogger(),
    started,
    limits: { softBufferBytes: 1e6, hardBufferBytes: 1e7 },
  });
  return { hub, broker, calls, metrics };
}

const tick = () => new Promise((r) => setImmediate(r));
const at = { history: { maxSize: 100, ttlMs: 60_000 }, dedupTtlMs: 60_000 };

describe('Hub', () => {
  test('subscribes the broker on the first local member and unsubscribes on the last', async () => {
    const { hub, calls, metrics, broker } = await setup();
    const a = new Sink('a');
    const b = new Sink('b');
    await hub.add('room', a);
    await hub.add('room', b);
    assert.deepEqual(calls, ['subscribe:room']);
    assert.equal((await metrics.rooms.get()).values[0]!.value, 1);
    await hub.remove('room', a);
    assert.deepEqual(calls, ['subscribe:room']);
    await hub.remove('room', b);
    assert.deepEqual(calls, ['subscribe:room', 'unsubscribe:room']);
    assert.equal(hub.roomCount(), 0);
    assert.equal((await metrics.rooms.get()).values[0]!.value, 0);
    await broker.close();
  });

  test('publications of one tick reach every member as one frame, in order; other rooms stay apart', async () => {
    const { hub, broker } = await setup();
    const a = new Sink('a');
    const b = new Sink('b');
    const other = new Sink('o');
    await hub.add('room', a);
    await hub.add('room', b);
    await hub.add('other', other);
    for (let i = 1; i <= 5; i++) await broker.publishAt(msg('room', i), at);
    await tick();
    assert.equal(a.written.length, 1);
    assert.equal(a.written[0], b.written[0]);
    const frame = JSON.parse(a.written[0]!.text) as MessagesFrame;
    assert.deepEqual(
      frame.msgs.map((m) => m.offset),
      [1, 2, 3, 4, 5],
    );
    assert.equal(other.written.length, 0);
    await hub.close();
    await broker.close();
  });

  test('a removed member receives nothing more', async () => {
    const { hub, broker } = await setup();
    const a = new Sink('a');
    const b = new Sink('b');
    await hub.add('room', a);
    await hub.add('room', b);
    await hub.remove('room', a);
    await broker.publishAt(msg('room', 1), at);
    await tick();
    assert.equal(a.written.length, 0);
    assert.equal(b.written.length, 1);
    await broker.close();
  });
});
