/**
 * RedisRoomStream as the archive's feed, against real Redis with a hand-moved clock: the backlog bound refuses
 * and markArchived frees it, trimming never drops an unarchived entry, the pending set finds every room with a
 * backlog (also after a lost mark), and markArchived ignores another epoch and never moves back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pendingKey, roomKeys } from '../../src/broker/redis-keys.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { testClients } from '../support/redis.ts';
import { draft, historyOf, roomStream, streamOpts } from '../support/redis-stream.ts';

const texts = (ms: { text: string }[]) => ms.map((m) => m.text);

describe('RedisRoomStream archive feed', () => {
  test('the backlog bound refuses with unavailable; markArchived frees it', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, fakeClock(), { backlogCacheMs: 0 });
      const bounded = { ...streamOpts, maxBacklog: 3 };
      for (let i = 1; i <= 3; i++) await stream.append(draft(room, `m${i}`), bounded);
      await assert.rejects(stream.append(draft(room, 'm4'), bounded), { code: 'unavailable' });
      assert.equal(await stream.backlog(), 3);
      assert.deepEqual(await stream.pendingRooms(10), [room]);

      const waiting = await stream.unarchived(room, 2);
      assert.deepEqual(texts(waiting), ['m1', 'm2']);
      assert.deepEqual(
        waiting.map((m) => m.pos.offset),
        [1, 2],
      );
      await stream.markArchived(room, waiting[1]!.pos);
      assert.equal(await stream.backlog(), 1);
      const m4 = await stream.append(draft(room, 'm4'), bounded);
      assert.equal(m4.message.pos.offset, 4);
      assert.deepEqual(texts(await stream.unarchived(room, 10)), ['m3', 'm4']);

      await stream.markArchived(room, m4.message.pos);
      assert.equal(await stream.backlog(), 0);
      assert.deepEqual(await stream.pendingRooms(10), []);
      assert.deepEqual(await stream.unarchived(room, 10), []);
    } finally {
      await cleanup();
    }
  });

  test('a resend at the bound is answered as a duplicate, not refused', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, fakeClock());
      const bounded = { ...streamOpts, maxBacklog: 1 };
      const first = await stream.append(draft(room, 'one', { cid: 'c1' }), bounded);
      const again = await stream.append(draft(room, 'one', { cid: 'c1' }), bounded);
      assert.deepEqual(again, { message: first.message, duplicate: true });
    } finally {
      await cleanup();
    }
  });

  test('trimming by size and age never removes unarchived entries', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    const clock = fakeClock();
    try {
      const stream = roomStream(clients, clock);
      const history = historyOf(clients, clock);
      const tight = { ...streamOpts, maxSize: 2, ttlMs: 1000 };
      const sent = [];
      for (let i = 1; i <= 10; i++) sent.push((await stream.append(draft(room, `m${i}`), tight)).message);
      clock.advance(5000);
      sent.push((await stream.append(draft(room, 'm11'), tight)).message);
      const epoch = sent[0]!.pos.epoch;

      assert.deepEqual(texts(await stream.unarchived(room, 100)), texts(sent));
      const all = await history.read(room, { since: { epoch, offset: 0 }, limit: 100 });
      assert.deepEqual(all.recoverable && all.messages, sent);

      // Once archived, old entries go: only the newest maxSize young ones remain readable.
      await stream.markArchived(room, sent[10]!.pos);
      clock.advance(10);
      const m12 = (await stream.append(draft(room, 'm12'), tight)).message;
      assert.equal(
        (await history.read(room, { since: { epoch, offset: 0 }, limit: 100 })).recoverable,
        false,
      );
      assert.equal(
        (await history.read(room, { since: { epoch, offset: 9 }, limit: 100 })).recoverable,
        false,
      );
      const kept = await history.read(room, { since: { epoch, offset: 10 }, limit: 100 });
      assert.deepEqual(kept.recoverable && kept.messages, [sent[10], m12]);
      // m11 ages out too once it is older than the ttl.
      clock.advance(995);
      assert.equal(
        (await history.read(room, { since: { epoch, offset: 10 }, limit: 100 })).recoverable,
        false,
      );
      const young = await history.read(room, { since: { epoch, offset: 11 }, limit: 100 });
      assert.deepEqual(young.recoverable && young.messages, [m12]);
      assert.deepEqual(texts(await stream.unarchived(room, 100)), ['m12']);
    } finally {
      await cleanup();
    }
  });

  test('a room idle past its ttl keeps its unarchived entries and its epoch', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    const clock = fakeClock();
    try {
      const stream = roomStream(clients, clock);
      const history = historyOf(clients, clock);
      const short = { ...streamOpts, ttlMs: 1000 };
      const m1 = (await stream.append(draft(room, 'm1'), short)).message;
      clock.advance(60_000);
      assert.deepEqual(await history.top(room), m1.pos);
      assert.deepEqual(texts(await stream.unarchived(room, 10)), ['m1']);
      // Archived and idle: the room is gone, the next touch starts a new epoch.
      await stream.markArchived(room, m1.pos);
      clock.advance(60_000);
      const top = await history.top(room);
      assert.notEqual(top.epoch, m1.pos.epoch);
      assert.equal(top.offset, 0);
    } finally {
      await cleanup();
    }
  });

  test('a room with a backlog never expires; once archived its keys expire after ttl + margin', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, fakeClock(), { expiryMarginMs: 5000 });
      const keys = roomKeys(prefix, room);
      const sent = await stream.append(draft(room, 'm1'), { ...streamOpts, ttlMs: 10_000 });
      assert.equal(await clients.command.pttl(keys.meta), -1);
      assert.equal(await clients.command.pttl(keys.stream), -1);
      await stream.markArchived(room, sent.message.pos);
      for (const key of [keys.meta, keys.stream]) {
        const left = await clients.command.pttl(key);
        assert.ok(left > 0 && left <= 15_000, `${key} expires in ${left} ms`);
      }
    } finally {
      await cleanup();
    }
  });

  test('pendingRooms finds a room whose pending mark was lost, and drops caught-up rooms', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const rooms = [0, 1, 2].map(() => `room-${randomUUID()}`);
    try {
      const writer = roomStream(clients, fakeClock());
      const positions = [];
      for (const room of rooms)
        positions.push((await writer.append(draft(room, 'x'), streamOpts)).message.pos);
      assert.deepEqual((await clients.command.smembers(pendingKey(prefix))).sort(), [...rooms].sort());
      // As if the process died between the script and the SADD.
      await clients.command.srem(pendingKey(prefix), rooms[0]!);
      // A stale member: caught up, but still in the set.
      await clients.command.sadd(pendingKey(prefix), 'room-never-written');

      const archiver = roomStream(clients, fakeClock(), { backlogCacheMs: 0 });
      assert.deepEqual((await archiver.pendingRooms(10)).sort(), [...rooms].sort());
      assert.equal(await clients.command.sismember(pendingKey(prefix), 'room-never-written'), 0);
      assert.equal(await archiver.backlog(), 3);

      for (let i = 0; i < rooms.length; i++) await archiver.markArchived(rooms[i]!, positions[i]!);
      assert.deepEqual(await archiver.pendingRooms(10), []);
      assert.equal(await archiver.backlog(), 0);
      assert.equal(await clients.command.scard(pendingKey(prefix)), 0);
    } finally {
      await cleanup();
    }
  });

  test('pendingRooms honours its limit and goes round every room over several calls', async () => {
    const { clients, cleanup } = await testClients();
    const rooms = Array.from({ length: 25 }, (_, i) => `room-${i}-${randomUUID()}`);
    try {
      const stream = roomStream(clients, fakeClock());
      for (const room of rooms) await stream.append(draft(room, 'x'), streamOpts);
      const seen = new Set<string>();
      for (let call = 0; call < 10 && seen.size < rooms.length; call++) {
        const batch = await stream.pendingRooms(4);
        assert.ok(batch.length <= 4 && batch.length > 0);
        for (const r of batch) seen.add(r);
      }
      assert.equal(seen.size, rooms.length);
    } finally {
      await cleanup();
    }
  });

  test('markArchived never moves back, and ignores another epoch', async () => {
    const { clients, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, fakeClock(), { backlogCacheMs: 0 });
      const sent = [];
      for (let i = 1; i <= 4; i++) sent.push((await stream.append(draft(room, `m${i}`), streamOpts)).message);
      const epoch = sent[0]!.pos.epoch;
      await stream.markArchived(room, { epoch, offset: 3 });
      await stream.markArchived(room, { epoch, offset: 1 });
      await stream.markArchived(room, { epoch: 'another-epoch', offset: 4 });
      assert.deepEqual(texts(await stream.unarchived(room, 10)), ['m4']);
      // Past the top: clamped to the top.
      await stream.markArchived(room, { epoch, offset: 99 });
      assert.deepEqual(await stream.unarchived(room, 10), []);
      assert.equal(await stream.backlog(), 0);
      const m5 = await stream.append(draft(room, 'm5'), streamOpts);
      assert.equal(m5.message.pos.offset, 5);
      assert.deepEqual(await stream.pendingRooms(10), [room]);
    } finally {
      await cleanup();
    }
  });
});
