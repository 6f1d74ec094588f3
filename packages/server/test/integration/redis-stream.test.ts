/**
 * RedisRoomStream.append against real Redis: one order per room under concurrent appends from several connections,
 * every publication delivered once in offset order, dedup of resends, a lost stream starting a new epoch.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisClients } from '../../src/broker/redis-clients.ts';
import { roomKeys } from '../../src/broker/redis-keys.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { deleteKeys, TEST_REDIS_URL, testClients } from '../support/redis.ts';
import { draft, historyOf, recordingNode, roomStream, streamOpts, until } from '../support/redis-stream.ts';

describe('RedisRoomStream append', () => {
  test('concurrent appends from three connections get offsets 1..900, published once each in order', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const others = await Promise.all([1, 2].map(() => createRedisClients(TEST_REDIS_URL, { prefix })));
    const room = `room-${randomUUID()}`;
    const node = await recordingNode(clients, [room]);
    try {
      const streams = [clients, ...others].map((c) => roomStream(c, systemRuntime));
      const results = await Promise.all(
        streams.map((s, w) =>
          Promise.all(Array.from({ length: 300 }, (_, i) => s.append(draft(room, `w${w}-${i}`), streamOpts))),
        ),
      );
      const all = results.flat();
      assert.ok(all.every((r) => !r.duplicate));
      const epochs = new Set(all.map((r) => r.message.pos.epoch));
      assert.equal(epochs.size, 1);
      const offsets = all.map((r) => r.message.pos.offset).sort((a, b) => a - b);
      assert.deepEqual(
        offsets,
        Array.from({ length: 900 }, (_, i) => i + 1),
      );
      // Each writer's own messages keep its send order (one connection: one order).
      for (const writer of results) {
        const own = writer.map((r) => r.message.pos.offset);
        assert.deepEqual(
          own,
          [...own].sort((a, b) => a - b),
        );
      }

      await until(() => node.got.length >= 900, 'all 900 publications');
      assert.deepEqual(
        node.got.map((m) => m.pos.offset),
        Array.from({ length: 900 }, (_, i) => i + 1),
      );
      const byOffset = new Map(all.map((r) => [r.message.pos.offset, r.message]));
      for (const m of node.got) assert.deepEqual(m, byOffset.get(m.pos.offset));
    } finally {
      await node.broker.close();
      await Promise.all(others.map((c) => c.close()));
      await cleanup();
    }
  });

  test('a resend with the same (user, cid) returns the original and publishes nothing', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    const node = await recordingNode(clients, [room]);
    try {
      const stream = roomStream(clients, systemRuntime);
      const first = await stream.append(draft(room, 'hello', { cid: 'c1' }), streamOpts);
      const again = await stream.append(draft(room, 'hello (resent)', { cid: 'c1' }), streamOpts);
      assert.equal(first.duplicate, false);
      assert.equal(again.duplicate, true);
      assert.deepEqual(again.message, first.message);
      // The same cid from another user is another message.
      const other = await stream.append(draft(room, 'hi', { cid: 'c1', userId: 'u2' }), streamOpts);
      assert.equal(other.duplicate, false);
      assert.equal(other.message.pos.offset, 2);
      await stream.append(draft(room, 'marker'), streamOpts);
      await until(() => node.got.length >= 3, 'three publications');
      assert.deepEqual(
        node.got.map((m) => m.text),
        ['hello', 'hi', 'marker'],
      );
    } finally {
      await node.broker.close();
      await cleanup();
    }
  });

  test('text with colons, braces, quotes and emoji survives the stream, the channel and reads', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room:{odd}-${randomUUID()}`;
    const node = await recordingNode(clients, [room]);
    try {
      const stream = roomStream(clients, systemRuntime);
      const history = historyOf(clients, systemRuntime);
      const text = '1:2:{"t":"x"} 사랑해요 💜 \\ "quoted" \n line';
      const sent = await stream.append(draft(room, text), streamOpts);
      await until(() => node.got.length === 1, 'the publication');
      assert.deepEqual(node.got[0], sent.message);
      const r = await history.read(room, { since: { epoch: sent.message.pos.epoch, offset: 0 }, limit: 10 });
      assert.deepEqual(r.recoverable && r.messages, [sent.message]);
      assert.equal(sent.message.text, text);
    } finally {
      await node.broker.close();
      await cleanup();
    }
  });

  test('a resend whose entry was trimmed still answers the original id and position', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, systemRuntime);
      const small = { ...streamOpts, maxSize: 1 };
      const first = await stream.append(draft(room, 'one', { cid: 'c1' }), small);
      for (let i = 0; i < 300; i++) await stream.append(draft(room, `m${i}`), small);
      await stream.markArchived(room, { epoch: first.message.pos.epoch, offset: 301 });
      await stream.append(draft(room, 'trims'), small);
      assert.equal(
        await clients.command.xlen(roomKeys(clients.prefix, room).stream).then((n) => n < 300),
        true,
      );
      const again = await stream.append(draft(room, 'one', { cid: 'c1' }), small);
      assert.equal(again.duplicate, true);
      assert.equal(again.message.id, first.message.id);
      assert.deepEqual(again.message.pos, first.message.pos);
    } finally {
      await cleanup();
    }
  });

  test('losing the room keys starts a new epoch; a resume from the old position is not recoverable', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    const admin = new Redis(TEST_REDIS_URL);
    try {
      const stream = roomStream(clients, systemRuntime);
      const history = historyOf(clients, systemRuntime);
      for (let i = 0; i < 3; i++) await stream.append(draft(room, `m${i}`), streamOpts);
      const old = await history.top(room);
      assert.equal(old.offset, 3);
      assert.ok((await deleteKeys(admin, `${prefix}{r:${room}}`)) >= 2);

      const next = await stream.append(draft(room, 'after the loss'), streamOpts);
      assert.notEqual(next.message.pos.epoch, old.epoch);
      assert.equal(next.message.pos.offset, 1);
      const r = await history.read(room, { since: old, limit: 100 });
      assert.deepEqual(r, { recoverable: false, top: next.message.pos });
      const fresh = await history.read(room, {
        since: { epoch: next.message.pos.epoch, offset: 0 },
        limit: 100,
      });
      assert.deepEqual(fresh.recoverable && fresh.messages, [next.message]);
    } finally {
      admin.disconnect();
      await cleanup();
    }
  });

  test('history reads see the stream: unarchived entries past maxSize stay readable', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, systemRuntime);
      const history = historyOf(clients, systemRuntime);
      const small = { ...streamOpts, maxSize: 3 };
      const sent = [];
      for (let i = 0; i < 8; i++) sent.push((await stream.append(draft(room, `m${i}`), small)).message);
      const epoch = sent[0]!.pos.epoch;
      const r = await history.read(room, { since: { epoch, offset: 0 }, limit: 100 });
      assert.deepEqual(r.recoverable && r.messages, sent);
      for (const offset of [-1, 2.5]) {
        const bad = await history.read(room, { since: { epoch, offset }, limit: 100 });
        assert.deepEqual(bad, { recoverable: false, top: sent[7]!.pos });
      }
    } finally {
      await cleanup();
    }
  });
});
