/**
 * A Redis outage, on a private redis-server on a spare port (never the shared one): every seam refuses with
 * 'unavailable' without waiting for Redis to come back, the broker reports not ready, and after a restart it is
 * ready again with its subscriptions restored (an empty restarted server knows none of them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRedisClients, type RedisClients } from '../../src/broker/redis-clients.ts';
import { RedisPresenceStore } from '../../src/presence/redis.ts';
import { RedisRateLimiter } from '../../src/ratelimit/redis.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { PrivateRedis } from '../support/redis.ts';
import {
  draft,
  historyOf,
  recordingNode,
  roomStream,
  streamOpts,
  streamPublish,
  until,
} from '../support/redis-stream.ts';

// A command timeout far beyond the test's own timeout: a refusal must come from the outage itself, at once,
// not from a command waiting for Redis to come back.
const NO_TIMEOUT = { commandTimeoutMs: 600_000, connectTimeoutMs: 1000, maxRetryDelayMs: 100 };

describe('Redis outage', { timeout: 60_000 }, () => {
  let server: PrivateRedis;
  let clients: RedisClients;
  before(async () => {
    server = await PrivateRedis.start();
    clients = await createRedisClients(server.url, { prefix: 'outage:', ...NO_TIMEOUT });
  });
  after(async () => {
    await clients.close();
    await server.kill();
  });

  test('every seam refuses with unavailable while Redis is down; the broker recovers after a restart', async () => {
    const room = `room-${randomUUID()}`;
    const gone = `gone-${randomUUID()}`;
    const received: string[] = [];
    const node = await recordingNode(clients, [room, gone], { onReceived: (c) => received.push(c) });
    const stream = roomStream(clients, systemRuntime);
    const history = historyOf(clients, systemRuntime);
    const presence = new RedisPresenceStore(clients, systemRuntime);
    const limiter = new RedisRateLimiter(clients, systemRuntime);
    try {
      assert.equal(node.broker.ready(), true);
      const continuity = node.broker.continuity();
      assert.ok(continuity >= 0);
      const first = await stream.append(draft(room, 'before'), streamOpts);
      await until(() => node.got.length === 1, 'the first publication');

      await server.kill();
      await until(() => !node.broker.ready() && !clients.ready(), 'the broker to notice the outage');
      // Caches of what the node hears (room tops, revocation checks) must not outlive the outage.
      await until(() => node.broker.continuity() < 0, 'the subscriber to count as down');
      await assert.rejects(node.broker.publish(draft(room, 'direct'), streamPublish), {
        code: 'unavailable',
      });
      await assert.rejects(node.broker.publishEvent(room, { json: '{}', priority: false }), {
        code: 'unavailable',
      });
      await assert.rejects(node.broker.control({ type: 'x' }), { code: 'unavailable' });
      await assert.rejects(node.broker.subscribe([`other-${randomUUID()}`]), { code: 'unavailable' });
      await assert.rejects(stream.append(draft(room, 'during'), streamOpts), { code: 'unavailable' });
      await assert.rejects(stream.pendingRooms(10), { code: 'unavailable' });
      await assert.rejects(history.read(room, { since: first.message.pos, limit: 10 }), {
        code: 'unavailable',
      });
      await assert.rejects(history.top(room), { code: 'unavailable' });
      await assert.rejects(presence.report('n1', { live: new Map([[room, { viewers: 1 }]]) }, 1000, [room]), {
        code: 'unavailable',
      });
      await assert.rejects(limiter.consume('k', { ratePerSecond: 1, burst: 1 }), { code: 'unavailable' });
      // Unsubscribing during the outage must hold after the reconnect.
      await node.broker.unsubscribe([gone]);

      await server.restart();
      await until(() => node.broker.ready() && clients.ready(), 'the broker to be ready again');
      assert.ok(node.broker.continuity() > continuity, 'back, on a new subscription');
      // The restarted server is empty: the room starts a new epoch, and is published to the resubscribed node.
      const next = await stream.append(draft(room, 'after'), streamOpts);
      assert.notEqual(next.message.pos.epoch, first.message.pos.epoch);
      await node.broker.publish(draft(gone, 'unwanted'), streamPublish);
      await stream.append(draft(room, 'marker'), streamOpts);
      await until(() => node.got.length === 3, 'the publications after the restart');
      assert.deepEqual(
        node.got.map((m) => m.text),
        ['before', 'after', 'marker'],
      );
      assert.equal(received.includes(gone), false);
    } finally {
      await node.broker.close();
    }
  });

  test('createRedisClients refuses with unavailable when Redis cannot be reached', async () => {
    const down = await PrivateRedis.start();
    const url = down.url;
    await down.kill();
    await assert.rejects(createRedisClients(url, NO_TIMEOUT), { code: 'unavailable' });
  });
});
