/**
 * `Broker conformance: redis cluster > control messages reach one named node or all nodes` failed once with
 * "timed out waiting for control messages". RedisBroker.start waits for its subscriber connection at most its
 * connect timeout (2 s), then returns NOT ready so a gateway comes up while Redis is away; the node receives
 * nothing until its (sharded) subscriber has subscribed the control channel. The suite sent control messages
 * right after start: on a loaded machine a cluster subscriber took longer than 2 s to connect and subscribe, and
 * the messages went out before anyone listened (pub/sub is at most once). The suite now waits for ready().
 * Here the subscriber cannot connect at first: its private Redis is down until the test starts it again.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlMessage } from '../../../src/broker/broker.ts';
import { RedisBroker } from '../../../src/broker/redis.ts';
import { systemRuntime } from '../../../src/runtime.ts';
import { started } from '../../conformance/broker.suite.ts';
import { createRedisClients } from '../../../src/broker/redis-clients.ts';
import { PrivateRedis } from '../../support/redis.ts';
import { until } from '../../support/redis-stream.ts';

describe('regression: control messages sent before a node is ready', () => {
  test('start may return before the subscriber is ready; once ready, the node gets control messages', async () => {
    const server = await PrivateRedis.start();
    const opts = { prefix: 'regr:', maxRetryDelayMs: 100 };
    const clients = await createRedisClients(server.url, opts);
    const sender = new RedisBroker(clients, { nodeId: 'sender', runtime: systemRuntime });
    const slow = new RedisBroker(clients, { nodeId: 'slow', runtime: systemRuntime, connectTimeoutMs: 200 });
    const other = new RedisBroker(clients, {
      nodeId: 'other',
      runtime: systemRuntime,
      connectTimeoutMs: 200,
    });
    try {
      await server.kill(); // the subscriber cannot connect yet
      const got: ControlMessage[] = [];
      await slow.start({ onPublication: () => {}, onControl: (m) => got.push(m) });
      // What the suite assumed: listening as soon as start resolved. It is not.
      assert.equal(slow.ready(), false, 'start returned before the subscriber was ready');
      await server.restart();
      await until(() => slow.ready() && clients.ready(), 'the slow node to be ready', 30_000);
      await sender.control({ type: 'ping', node: 'slow' });
      await until(() => got.length >= 1, 'the control message');
      assert.deepEqual(got, [{ type: 'ping', node: 'slow' }]);

      // The suite's own helper waits for ready before handing a node out.
      await server.kill();
      const starting = started(other);
      await new Promise((r) => setTimeout(r, 500));
      await server.restart();
      const rec = await starting;
      await until(() => clients.ready(), 'the command connection');
      await sender.control({ type: 'all' });
      await until(() => rec.controls.length === 1, 'the control message to the other node');
    } finally {
      await other.close();
      await slow.close();
      await sender.close();
      await clients.close();
      await server.kill();
    }
  });
});
