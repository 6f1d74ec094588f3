/**
 * A fresh join (history with no `since`) on a room its node follows is answered from the top the node read on
 * that subscription and heard since (src/broker/room-tops.ts), not from Redis: one READ per room per
 * subscription per freshness window instead of one per join (issue 6: a connect cost three Redis round trips).
 * A resume is answered from the messages heard on the subscription when they hold all it missed. The answers
 * must stay exact: the top given is at least every position published before it was asked (once the node heard
 * it), a resume gets what Redis would give, and neither outlives the subscription it was read on. Commands
 * counted with MONITOR on the test's own key prefix.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { ChatMessage } from '@lightstick/protocol';
import { RedisBroker } from '../../src/broker/redis.ts';
import { roomKeys } from '../../src/broker/redis-keys.ts';
import type { RedisClients, RedisConnection } from '../../src/broker/redis-clients.ts';
import { READ } from '../../src/history/redis-scripts.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { testClients } from '../support/redis.ts';
import { monitorRedis, type RedisMonitor } from '../support/redis-monitor.ts';
import { draft, streamPublish, until } from '../support/redis-stream.ts';

/** `clients` whose subscriber connections the test can reach (to drop one). */
function watched(clients: RedisClients, subs: RedisConnection[]): RedisClients {
  return Object.assign(Object.create(clients) as RedisClients, {
    subscriber: () => {
      const s = clients.subscriber();
      subs.push(s);
      return s;
    },
  });
}

describe('fresh joins answered from the node', () => {
  test('one READ per room per subscription; the top follows what is published; a lost subscriber reads again', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    const subs: RedisConnection[] = [];
    const heard: ChatMessage[] = [];
    const follower = new RedisBroker(watched(clients, subs), { nodeId: 'follower', runtime: systemRuntime });
    const publisher = new RedisBroker(clients, { nodeId: 'publisher', runtime: systemRuntime });
    let mon: RedisMonitor | undefined;
    const readSha = createHash('sha1').update(READ.lua).digest('hex');
    // READ calls on this test's keys, once every line is in (MONITOR also shows what scripts run, as "lua").
    const reads = async () => {
      await mon!.caughtUp();
      return mon!.commands.filter(
        (c) => c.source !== 'lua' && c.args[1] === readSha && c.args.some((a) => a.startsWith(prefix)),
      ).length;
    };
    try {
      await follower.start({
        onPublication: (_r, pub) => void (pub.kind === 'message' && heard.push(pub.message)),
        onControl: () => {},
      });
      await publisher.start({ onPublication: () => {}, onControl: () => {} });
      await publisher.publish(draft(room, 'before'), streamPublish);
      await follower.history(room, { limit: 10 }); // loads the script (its first call is not counted)
      mon = await monitorRedis();

      // Not subscribed: every fresh read goes to Redis.
      assert.deepEqual((await follower.history(room, { limit: 10 })).top.offset, 1);
      await follower.subscribe([room]);
      const first = await follower.history(room, { limit: 10 });
      assert.equal(first.recoverable, true);
      assert.equal(first.top.offset, 1);
      for (let i = 0; i < 5; i++) {
        const p = await publisher.publish(draft(room, `m${i}`), streamPublish);
        await until(() => heard.at(-1)?.pos.offset === p.message.pos.offset, 'the follower heard it');
        const read = await follower.history(room, { limit: 10 });
        assert.deepEqual(read.top, p.message.pos, 'the top given is the last one published');
        assert.equal(read.recoverable && read.messages.length, 0);
      }
      // A resume is answered from the messages the node heard, the very ones Redis holds (the publisher does
      // not follow the room: it reads).
      const resumed = await follower.history(room, { since: first.top, limit: 10 });
      assert.equal(resumed.recoverable && resumed.messages.length, 5);
      assert.deepEqual(resumed, await publisher.history(room, { since: first.top, limit: 10 }));
      // From before what the node heard (1 was published before it subscribed): only Redis has it.
      const older = await follower.history(room, { since: { ...first.top, offset: 0 }, limit: 10 });
      assert.equal(older.recoverable && older.messages.length, 6);
      assert.equal(
        await reads(),
        4,
        'unsubscribed read, the first read on the subscription, the check, the resume from before the tail',
      );

      // The subscriber connection drops: publications may be missed until it is back, so the next join reads.
      subs.at(-1)!.disconnect(true);
      await until(() => !follower.ready(), 'the follower noticed');
      await until(() => follower.ready(), 'the follower subscribed again');
      await publisher.publish(draft(room, 'after the reconnect'), streamPublish);
      const after = await follower.history(room, { limit: 10 });
      assert.equal(after.top.offset, 7);
      assert.equal(await reads(), 5, 'read again after the reconnect');
      const beforeDrop = await follower.history(room, { since: first.top, limit: 10 });
      assert.equal(beforeDrop.recoverable && beforeDrop.messages.length, 6);
      assert.equal(await reads(), 6, 'the tail heard before the drop is forgotten with it');

      // Unsubscribed: the node no longer hears the room, so it reads.
      await follower.unsubscribe([room]);
      await publisher.publish(draft(room, 'unheard'), streamPublish);
      assert.equal((await follower.history(room, { limit: 10 })).top.offset, 8);
    } finally {
      mon?.close();
      await follower.close();
      await publisher.close();
      await cleanup();
    }
  });

  test('the top is used only for topFreshMs after its read', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    let now = 1_000_000;
    const runtime = { ...systemRuntime, now: () => now };
    const follower = new RedisBroker(clients, { nodeId: 'f', runtime, topFreshMs: 1000 });
    const other = new RedisBroker(clients, { nodeId: 'o', runtime });
    try {
      await follower.start({ onPublication: () => {}, onControl: () => {} });
      await other.start({ onPublication: () => {}, onControl: () => {} });
      await follower.subscribe([room]);
      const read = await follower.history(room, { limit: 10 });
      // Written behind the node's back (no publication: a history rewritten in Redis, say): seen after 1 s.
      await clients.command.hset(roomKeys(clients.prefix, room).meta, 's', 5);
      now += 999;
      assert.deepEqual((await follower.history(room, { limit: 10 })).top, read.top);
      now += 1;
      assert.equal((await follower.history(room, { limit: 10 })).top.offset, 5);
    } finally {
      await follower.close();
      await other.close();
      await cleanup();
    }
  });
});
