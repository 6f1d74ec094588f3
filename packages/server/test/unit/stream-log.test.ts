/**
 * StreamMessageLog over the real Redis room stream (unique key prefix per test): the stream is the ack point,
 * resends are acknowledged with the original, the per-room bound refuses with 'unavailable', drain waits for
 * appends in flight, and a lost Redis connection is a refusal, never a silent drop.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/errors.ts';
import { createRedisClients, type RedisClients } from '../../src/broker/redis-clients.ts';
import { StreamMessageLog } from '../../src/chat/stream-log.ts';
import type { MessageDraft } from '../../src/storage/repositories.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/archive-resources.ts';
import { clock, silentLogger, testMetrics } from './chat-support.ts';
import { RedisBroker } from '../../src/broker/redis.ts';
import { RedisRoomStream } from '../../src/history/redis-stream.ts';

const options = { history: { maxSize: 100, ttlMs: 3_600_000 }, maxBacklog: 3, dedupTtlMs: 60_000 };
let n = 0;
const draft = (room: string, cid = `c${++n}`): MessageDraft => ({
  id: `m-${process.pid}-${++n}`,
  room,
  cid,
  user: { id: 'u-fan', name: 'fan', displayName: 'Fan' },
  role: 'fan',
  priority: false,
  text: `hello ${n}`,
  ts: 1_700_000_000_000 + n,
});
const unavailable = (e: unknown) => e instanceof AppError && e.code === 'unavailable';

describe('StreamMessageLog', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(proxy?: TcpProxy) {
    const prefix = uniquePrefix();
    const clients: RedisClients = await createRedisClients(proxy ? proxy.via(REDIS_URL) : REDIS_URL, {
      prefix,
      connectTimeoutMs: 1000,
      commandTimeoutMs: 1000,
    });
    const metrics = testMetrics();
    const runtime = clock();
    const stream = new RedisRoomStream(clients, runtime, { backlogCacheMs: 0 });
    const broker = new RedisBroker(clients, { nodeId: 'n1', runtime, pendingFlushMs: 1 });
    const log = new StreamMessageLog({
      broker,
      stream,
      metrics,
      logger: silentLogger(),
      options,
      backlogRefreshMs: 0,
    });
    cleanups.push(async () => {
      await log.drain();
      await clients.close();
      await dropPrefix(prefix);
    });
    return { log, stream, metrics, broker };
  }

  test('acknowledges from the stream with consecutive positions; a resend gets the original', async () => {
    const { log, metrics } = await setup();
    const a = await log.commit(draft('room-a'));
    const b = await log.commit(draft('room-a', 'same'));
    const again = await log.commit({ ...draft('room-a', 'same'), text: 'other text' });
    assert.equal(a.duplicate, false);
    assert.equal(b.message.pos.epoch, a.message.pos.epoch);
    assert.equal(b.message.pos.offset, a.message.pos.offset + 1);
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.message, b.message);
    assert.equal((await metrics.messagesAccepted.get()).values[0]?.value, 2);
    assert.equal(
      (await metrics.commitLatency.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value,
      3,
    );
  });

  test('refuses with unavailable once the room holds maxBacklog unarchived messages', async () => {
    const { log, broker } = await setup();
    for (let i = 0; i < options.maxBacklog; i++) await log.commit(draft('room-b'));
    await assert.rejects(log.commit(draft('room-b')), unavailable);
    // Other rooms have their own bound; the backlog counts every room (once the pending marks are written).
    await log.commit(draft('room-c'));
    await broker.flushPendingMarks();
    assert.equal(await log.refreshBacklog(), options.maxBacklog + 1);
    assert.equal(log.backlog(), options.maxBacklog + 1);
  });

  test('drain waits for the appends in flight, then refuses', async () => {
    const { log } = await setup();
    const inFlight = [log.commit(draft('room-d')), log.commit(draft('room-d'))];
    await log.drain();
    const settled = await Promise.allSettled(inFlight);
    assert.deepEqual(
      settled.map((s) => s.status),
      ['fulfilled', 'fulfilled'],
    );
    await assert.rejects(log.commit(draft('room-d')), unavailable);
  });

  test('a lost Redis connection refuses the send with unavailable and keeps the last backlog', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) });
    cleanups.push(() => proxy.close());
    const { log, broker } = await setup(proxy);
    await log.commit(draft('room-e'));
    await broker.flushPendingMarks();
    assert.equal(await log.refreshBacklog(), 1);
    proxy.cut();
    await assert.rejects(log.commit(draft('room-e')), unavailable);
    assert.equal(await log.refreshBacklog(), 1);
    proxy.restore();
  });
});
