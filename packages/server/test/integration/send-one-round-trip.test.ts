/**
 * Scale-out mode's send path, as the gateway runs it (SendService -> StreamMessageLog -> RedisBroker over the
 * cached PostgreSQL store): every send is ONE Redis script call (rate limit, dedup, append and publish), counted
 * with MONITOR on the test's own key prefix, and no PostgreSQL query once the room and membership are cached.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRedisClients } from '../../src/broker/redis-clients.ts';
import { RedisBroker } from '../../src/broker/redis.ts';
import { RedisRoomStream } from '../../src/history/redis-stream.ts';
import { StreamMessageLog } from '../../src/chat/stream-log.ts';
import { SendService } from '../../src/chat/send-service.ts';
import { cachedAccessStore } from '../../src/app/access-cache.ts';
import { loadConfig } from '../../src/config/load.ts';
import { openPostgresStore } from '../../src/storage/postgres.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { systemRuntime } from '../../src/runtime.ts';
import {
  PG_URL,
  REDIS_URL,
  dropPrefix,
  dropSchema,
  uniquePrefix,
  uniqueSchema,
} from '../support/archive-resources.ts';
import { community, member, silentLogger, testMetrics, user } from '../unit/chat-support.ts';
import { monitorRedis, type RedisMonitor } from '../support/redis-monitor.ts';

/** The store with every repository call counted (the SQL the send path would run). */
function counted(store: Store, calls: string[]): Store {
  const wrap = <T extends object>(name: string, repo: T): T =>
    new Proxy(repo, {
      get(target, key) {
        const v = Reflect.get(target, key) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(key)}`);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return {
    ...store,
    rooms: wrap('rooms', store.rooms),
    communities: wrap('communities', store.communities),
    messages: wrap('messages', store.messages),
  };
}

describe('scale-out send path', () => {
  test('one Redis script call per send, and no PostgreSQL query once the room is cached', async () => {
    const prefix = uniquePrefix();
    const schema = uniqueSchema();
    const store = await openPostgresStore(PG_URL, { schema });
    const clients = await createRedisClients(REDIS_URL, { prefix });
    const broker = new RedisBroker(clients, { nodeId: 'n1', runtime: systemRuntime, pendingFlushMs: 60_000 });
    // Fans get a bucket large enough for the test's sends (the bucket is still taken by the script).
    const config = loadConfig({ LIGHTSTICK_SEND_RATE_FAN: '100/1s' });
    const log = new StreamMessageLog({
      broker,
      stream: new RedisRoomStream(clients, systemRuntime),
      metrics: testMetrics(),
      logger: silentLogger(),
      options: { history: config.history, maxBacklog: 1000, dedupTtlMs: 60_000 },
      backlogRefreshMs: 0,
    });
    const sql: string[] = [];
    const hot = cachedAccessStore(counted(store, sql), { runtime: systemRuntime, freshMs: 60_000 });
    const service = new SendService({
      store: hot,
      messageLog: log,
      runtime: systemRuntime,
      sendRate: config.sendRate,
    });
    let mon: RedisMonitor | undefined;
    try {
      const owner = await user(store);
      const fan = await user(store);
      const { room, communityId } = await community(store, owner);
      await member(store, communityId, fan, 'fan');
      const ctx = (p: typeof fan) => ({ principal: p, isJoined: () => true });
      // Warm the access cache as a join does.
      await service.send(ctx(owner), { room: room.id, cid: 'warm', text: 'warm up' });
      await service.send(ctx(fan), { room: room.id, cid: 'warm-fan', text: 'warm up' });
      sql.length = 0;

      mon = await monitorRedis(REDIS_URL);
      const sends = 20;
      for (let i = 0; i < sends; i++) {
        const p = i % 2 === 0 ? owner : fan;
        const r = await service.send(ctx(p), { room: room.id, cid: `c${i}`, text: `message ${i}` });
        assert.equal(r.duplicate, false);
      }
      // A resend is one call too (answered from the dedup key inside the same script).
      assert.equal(
        (await service.send(ctx(fan), { room: room.id, cid: 'c1', text: 'again' })).duplicate,
        true,
      );
      await mon.caughtUp();
      // Commands a client sent (MONITOR also shows what scripts run, with the source "lua").
      const commands = mon.commands
        .filter((c) => c.source !== 'lua' && c.args.some((a) => a.startsWith(prefix)))
        .map((c) => c.args[0]!.toLowerCase());
      assert.deepEqual(
        commands,
        Array.from({ length: sends + 1 }, () => 'evalsha'),
      );
      assert.deepEqual(sql, [], 'no SQL query on the send path');
    } finally {
      mon?.close();
      await log.drain();
      await broker.close();
      await clients.close();
      await store.close();
      await dropPrefix(prefix);
      await dropSchema(schema);
    }
  });
});
