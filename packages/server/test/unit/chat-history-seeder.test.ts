import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { HistorySeeder } from '../../src/chat/history-seeder.ts';
import { MemoryHistoryStore } from '../../src/history/memory.ts';
import type { RoomsRepo, Store } from '../../src/storage/repositories.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { clock, community, tempStore, user, type Clock, type TempStore } from './chat-support.ts';

const historyOptions = { maxSize: 50, ttlMs: 60_000 };

describe('HistorySeeder', () => {
  let ts: TempStore;
  let rt: Clock;
  let owner: Principal;
  let room: { id: string; epoch: string };
  let loads: number;
  let store: Pick<Store, 'rooms' | 'messages'>;

  /** Writes `count` messages to the archive, as a previous process would have. */
  async function archive(count: number): Promise<void> {
    const drafts = Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      room: room.id,
      cid: randomUUID(),
      user: { id: owner.userId, name: owner.name, displayName: owner.displayName },
      role: 'fan' as const,
      priority: false,
      text: `m${i + 1}`,
      ts: rt.now(),
    }));
    await ts.store.messages.appendBatch(drafts);
  }

  beforeEach(async () => {
    ts = await tempStore();
    rt = clock();
    owner = await user(ts.store);
    room = (await community(ts.store, owner)).room;
    loads = 0;
    const rooms: RoomsRepo = new Proxy(ts.store.rooms, {
      get(target, key) {
        const v = Reflect.get(target, key) as unknown;
        if (key === 'byId') loads++;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    store = { rooms, messages: ts.store.messages };
  });
  afterEach(() => ts.cleanup());

  test('after a restart, hot history continues the archive: same epoch, missed messages served', async () => {
    await archive(80);
    const history = new MemoryHistoryStore(rt);
    const seeder = new HistorySeeder({ store, history, runtime: rt, historyOptions });
    await seeder.ensure(room.id);
    assert.deepEqual(await history.top(room.id), { epoch: room.epoch, offset: 80 });
    const r = await history.read(room.id, { since: { epoch: room.epoch, offset: 75 }, limit: 1000 });
    assert.equal(r.recoverable, true);
    assert.deepEqual(r.recoverable && r.messages.map((m) => m.text), ['m76', 'm77', 'm78', 'm79', 'm80']);
    // Older than the hot window (maxSize 50): the client is told to reload.
    const old = await history.read(room.id, { since: { epoch: room.epoch, offset: 10 }, limit: 1000 });
    assert.equal(old.recoverable, false);
  });

  test('a room with no messages gets the archive epoch at offset 0', async () => {
    const history = new MemoryHistoryStore(rt);
    await new HistorySeeder({ store, history, runtime: rt, historyOptions }).ensure(room.id);
    assert.deepEqual(await history.top(room.id), { epoch: room.epoch, offset: 0 });
  });

  test('seeds once per room, even for concurrent callers', async () => {
    await archive(3);
    const history = new MemoryHistoryStore(rt);
    const seeder = new HistorySeeder({ store, history, runtime: rt, historyOptions });
    await Promise.all(Array.from({ length: 10 }, () => seeder.ensure(room.id)));
    await seeder.ensure(room.id);
    assert.equal(loads, 1);
    assert.equal((await history.top(room.id)).offset, 3);
  });

  test('seeds again after the room was idle past the history ttl', async () => {
    const history = new MemoryHistoryStore(rt);
    const seeder = new HistorySeeder({ store, history, runtime: rt, historyOptions });
    await seeder.ensure(room.id);
    rt.advance(historyOptions.ttlMs + 1);
    await archive(2);
    await seeder.ensure(room.id);
    assert.equal(loads, 2);
    assert.deepEqual(await history.top(room.id), { epoch: room.epoch, offset: 2 });
  });

  test('an unknown room is left alone', async () => {
    const history = new MemoryHistoryStore(rt);
    await new HistorySeeder({ store, history, runtime: rt, historyOptions }).ensure('no-such-room');
    assert.equal(history.size(), 0);
  });
});
