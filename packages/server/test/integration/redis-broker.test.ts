/**
 * RedisBroker beyond the conformance suite: the per-node received counter, a bad payload or a throwing handler
 * not stopping delivery, and ready() across start and close.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@lightstick/protocol';
import { RedisBroker } from '../../src/broker/redis.ts';
import { roomKeys } from '../../src/broker/redis-keys.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { testClients } from '../support/redis.ts';
import { draft, roomStream, streamOpts, until } from '../support/redis-stream.ts';

describe('RedisBroker', () => {
  test('counts what each node receives; bad payloads and throwing handlers do not stop delivery', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    const received: string[] = [];
    const errors: unknown[] = [];
    const got: ChatMessage[] = [];
    const broker = new RedisBroker(clients, {
      nodeId: 'n1',
      runtime: systemRuntime,
      onReceived: (c) => received.push(c),
      onHandlerError: (err) => errors.push(err),
    });
    assert.equal(broker.ready(), false);
    try {
      await broker.start({
        onPublication: (_r, pub) => {
          if (pub.kind !== 'message') return;
          got.push(pub.message);
          if (pub.message.text === 'boom') throw new Error('handler failed');
        },
        onControl: () => {},
      });
      assert.equal(broker.ready(), true);
      await broker.subscribe([room]);
      const stream = roomStream(clients, systemRuntime);
      await clients.command.publish(roomKeys(prefix, room).channel, 'not an envelope');
      await stream.append(draft(room, 'boom'), streamOpts);
      await broker.control({ type: 'reload' });
      await stream.append(draft(room, 'after'), streamOpts);
      await until(() => got.length === 2 && received.length === 4, 'the publications');
      assert.deepEqual(
        got.map((m) => [m.text, m.pos.offset]),
        [
          ['boom', 1],
          ['after', 2],
        ],
      );
      assert.deepEqual(received, [room, room, 'control', room]);
      assert.equal(errors.length, 2);
    } finally {
      await broker.close();
      await cleanup();
    }
    assert.equal(broker.ready(), false);
    await assert.rejects(broker.subscribe([room]), { code: 'unavailable' });
  });
});
