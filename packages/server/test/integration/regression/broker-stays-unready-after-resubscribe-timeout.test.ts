/**
 * After a reconnect the broker subscribes its channels again and is ready only once Redis confirmed them. When
 * that SUBSCRIBE failed while the connection stayed up (a slow Redis: the command timed out), the broker waited
 * for the next 'ready' event, which never comes on a healthy connection: it stayed not ready for good (readiness
 * 503, every join refused) until something else broke the connection.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { createRedisClients } from '../../../src/broker/redis-clients.ts';
import { systemRuntime } from '../../../src/runtime.ts';
import { RedisBroker } from '../../../src/broker/redis.ts';
import { deleteKeys, TEST_REDIS_URL, testPrefix } from '../../support/redis.ts';
import { until } from '../../support/redis-stream.ts';

/** A proxy to the test Redis that can hold back, for a while, any client chunk holding a SUBSCRIBE. */
async function holdingProxy() {
  const target = new URL(TEST_REDIS_URL);
  const sockets = new Set<Socket>();
  const state = { holding: false, held: 0 };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (state.holding && /subscribe/i.test(chunk.toString('latin1'))) {
        state.held++;
        client.pause();
        // Longer than the command timeout: the client gives up while the connection stays up.
        setTimeout(() => {
          if (!upstream.destroyed) upstream.write(chunk);
          client.resume();
        }, 1000).unref();
      } else if (!upstream.destroyed) upstream.write(chunk);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    state,
    resetAll: () => {
      for (const s of sockets) s.resetAndDestroy();
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('regression: broker re-subscription that times out', () => {
  test('the broker becomes ready again', async () => {
    const proxy = await holdingProxy();
    const prefix = testPrefix();
    const clients = await createRedisClients(proxy.url, { prefix, commandTimeoutMs: 200 });
    const broker = new RedisBroker(clients, { nodeId: 'n1', runtime: systemRuntime });
    try {
      await broker.start({ onPublication: () => {}, onControl: () => {} });
      await broker.subscribe(['room-a']);
      assert.equal(broker.ready(), true);

      proxy.state.holding = true;
      proxy.resetAll();
      await until(() => proxy.state.held > 0, 'the re-subscription to be held');
      proxy.state.holding = false;

      await until(() => broker.ready(), 'the broker to be ready again');
    } finally {
      await broker.close();
      await clients.close();
      await proxy.close();
      const admin = new Redis(TEST_REDIS_URL);
      await deleteKeys(admin, prefix).finally(() => admin.disconnect());
    }
  });
});
