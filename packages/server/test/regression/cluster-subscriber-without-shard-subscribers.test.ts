/**
 * On a Redis Cluster the broker recovered from a failed re-subscription the way it does on one Redis: it
 * dropped the connection to reconnect. ioredis (5.11) keeps a dropped Cluster's slot map but not its shard
 * subscribers, and on reconnect sees no topology change, so it never makes them again: every SSUBSCRIBE then
 * failed with "No sharded subscriber for slot" for good, once a second, and the node stayed not ready (seen in
 * CI and in the integration tier on a busy machine, where a first SSUBSCRIBE raced the shard connections).
 * Now the broker replaces a Cluster connection instead. The connection here is a stand-in that behaves as
 * that ioredis state does (the real race is not reproducible on demand); test/integration/redis-cluster.test.ts
 * runs the broker against a real Cluster.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { RedisClients, RedisConnection } from '../../src/broker/redis-clients.ts';
import { RedisBroker } from '../../src/broker/redis.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { until } from '../support/redis-stream.ts';

/** A Cluster connection that is up; `broken` ones fail every SSUBSCRIBE as ioredis does without shard subscribers. */
class StandInCluster extends EventEmitter {
  status = 'connecting';
  reconnects = 0;
  subscribed: string[] = [];

  constructor(private readonly broken: boolean) {
    super();
    setImmediate(() => this.up());
  }

  private up(): void {
    this.status = 'ready';
    this.emit('ready');
  }

  ssubscribe(channel: string): Promise<number> {
    if (this.broken) return Promise.reject(new Error('No sharded subscriber for slot: 1330'));
    this.subscribed.push(channel);
    return Promise.resolve(this.subscribed.length);
  }

  sunsubscribe(): Promise<number> {
    return Promise.resolve(0);
  }

  /** disconnect(true) reconnects, and the same broken state comes back with it. */
  disconnect(reconnect = false): void {
    this.status = 'reconnecting';
    this.emit('reconnecting');
    if (reconnect) {
      this.reconnects++;
      setImmediate(() => this.up());
    } else this.status = 'end';
  }

  quit(): Promise<string> {
    this.disconnect();
    return Promise.resolve('OK');
  }
}

describe('regression: a Cluster subscriber left without shard subscribers', () => {
  test('the broker replaces the connection and turns ready, instead of reconnecting the broken one forever', async () => {
    const made: StandInCluster[] = [];
    const clients = {
      prefix: 'reg:',
      cluster: true,
      command: {} as RedisConnection,
      subscriber: () => {
        const c = new StandInCluster(made.length === 0); // the first one is broken for good
        made.push(c);
        return c as unknown as RedisConnection;
      },
      ready: () => true,
      close: () => Promise.resolve(),
    } satisfies RedisClients;
    const broker = new RedisBroker(clients, { nodeId: 'n1', runtime: systemRuntime });
    await broker.start({ onPublication: () => {}, onControl: () => {} });
    try {
      await until(() => broker.ready(), 'the broker to be ready on a new connection', 20_000);
      assert.equal(made.length, 2, 'one replacement connection');
      assert.equal(made[0]!.status, 'end', 'the broken connection was closed, not reconnected');
      assert.equal(made[0]!.reconnects, 0);
      assert.deepEqual(made[1]!.subscribed, ['reg:control']);
    } finally {
      await broker.close();
    }
  });
});
