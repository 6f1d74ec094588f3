import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@lightstick/protocol';
import { EmbeddedMessageLog, type EmbeddedMessageLogDeps } from '../../src/chat/embedded-log.ts';
import { HistorySeeder } from '../../src/chat/history-seeder.ts';
import { MemoryBroker, MemoryBus } from '../../src/broker/memory.ts';
import type { MessageDraft, MessagesRepo } from '../../src/storage/repositories.ts';
import type { Principal } from '../../src/auth/principal.ts';
import {
  clock,
  community,
  silentLogger,
  tempStore,
  testMetrics,
  user,
  type TempStore,
} from './chat-support.ts';

const historyOptions = { maxSize: 100, ttlMs: 3_600_000 };

function draft(room: string, p: Principal, cid: string = randomUUID()): MessageDraft {
  return {
    id: randomUUID(),
    room,
    cid,
    user: { id: p.userId, name: p.name, displayName: p.displayName },
    role: 'fan',
    priority: false,
    text: `hello ${cid}`,
    ts: 1_700_000_000_000,
  };
}

/** The real repository, with its appendBatch calls recorded. */
function recorded(messages: MessagesRepo, calls: number[]): MessagesRepo {
  return new Proxy(messages, {
    get(target, key) {
      if (key === 'appendBatch') {
        return (drafts: MessageDraft[]) => {
          calls.push(drafts.length);
          return target.appendBatch(drafts);
        };
      }
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('EmbeddedMessageLog', () => {
  let ts: TempStore;
  let owner: Principal;
  let room: string;
  let epoch: string;
  let calls: number[];
  let broker: MemoryBroker;
  let delivered: ChatMessage[];
  let metrics: ReturnType<typeof testMetrics>;

  const makeLog = (over: Partial<EmbeddedMessageLogDeps> = {}) =>
    new EmbeddedMessageLog({
      messages: recorded(ts.store.messages, calls),
      broker,
      runtime: clock(),
      metrics,
      logger: silentLogger(),
      groupCommitMs: 5,
      maxBacklog: 1000,
      historyOptions,
      dedupTtlMs: 60_000,
      ...over,
    });

  beforeEach(async () => {
    ts = await tempStore();
    owner = await user(ts.store);
    const c = await community(ts.store, owner);
    room = c.room.id;
    epoch = c.room.epoch;
    calls = [];
    delivered = [];
    broker = new MemoryBroker({ bus: new MemoryBus(clock()) });
    await broker.start({
      onPublication: (_c, p) => {
        if (p.kind === 'message') delivered.push(p.message);
      },
      onControl: () => {},
    });
    await broker.subscribe([room]);
    metrics = testMetrics();
  });
  afterEach(async () => {
    await broker.close();
    await ts.cleanup();
  });

  test('commits concurrent sends in ONE appendBatch, with consecutive offsets, history and publish in order', async () => {
    const log = makeLog();
    const drafts = Array.from({ length: 20 }, () => draft(room, owner));
    const results = await Promise.all(drafts.map((d) => log.commit(d)));
    assert.deepEqual(calls, [20]);
    assert.deepEqual(
      results.map((r) => r.message.pos.offset),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.ok(results.every((r) => !r.duplicate && r.message.pos.epoch === epoch));
    assert.deepEqual((await broker.history(room, { limit: 0 })).top, { epoch, offset: 20 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      delivered.map((m) => m.id),
      drafts.map((d) => d.id),
    );
    assert.equal((await metrics.messagesAccepted.get()).values[0]!.value, 20);
    assert.equal(log.backlog(), 0);
    await log.drain();
  });

  test('a full batch is written at once, in batches of maxBatch, in order', async () => {
    const log = makeLog({ maxBatch: 4, groupCommitMs: 60_000 });
    const results = await Promise.all(Array.from({ length: 10 }, () => log.commit(draft(room, owner))));
    assert.deepEqual(calls, [4, 4, 2]);
    assert.deepEqual(
      results.map((r) => r.message.pos.offset),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    await log.drain();
  });

  test('a resent cid is acknowledged with the original and published once', async () => {
    const log = makeLog();
    const d = draft(room, owner, 'same-cid');
    const first = await log.commit(d);
    const again = await log.commit({ ...d, id: randomUUID() });
    assert.equal(again.duplicate, true);
    assert.equal(again.message.id, first.message.id);
    assert.deepEqual(again.message.pos, first.message.pos);
    await new Promise((r) => setImmediate(r));
    assert.equal(delivered.length, 1);
    assert.equal((await broker.history(room, { limit: 0 })).top.offset, 1);
    await log.drain();
  });

  test('a failed batch rejects each of its commits with unavailable', async () => {
    const log = makeLog();
    const bad = [draft(`missing-${randomUUID()}`, owner), draft(`missing-${randomUUID()}`, owner)];
    const outcomes = await Promise.allSettled(bad.map((d) => log.commit(d)));
    for (const o of outcomes) {
      assert.equal(o.status, 'rejected');
      assert.equal((o as PromiseRejectedResult).reason.code, 'unavailable');
    }
    // The log keeps working afterwards.
    assert.equal((await log.commit(draft(room, owner))).message.pos.offset, 1);
    await log.drain();
  });

  test('past maxBacklog sends are refused with unavailable; drain commits what was queued', async () => {
    const log = makeLog({ maxBacklog: 3, groupCommitMs: 60_000 });
    const queued = [1, 2, 3].map(() => log.commit(draft(room, owner)));
    assert.equal(log.backlog(), 3);
    await assert.rejects(log.commit(draft(room, owner)), { code: 'unavailable' });
    await log.drain();
    const results = await Promise.all(queued);
    assert.deepEqual(
      results.map((r) => r.message.pos.offset),
      [1, 2, 3],
    );
    await assert.rejects(log.commit(draft(room, owner)), { code: 'unavailable' });
  });

  test('with a seeder, a restarted process continues the archive stream in hot history', async () => {
    const first = makeLog();
    for (let i = 0; i < 5; i++) await first.commit(draft(room, owner));
    await first.drain();
    // "Restart": empty hot history, the archive keeps everything.
    await broker.close();
    broker = new MemoryBroker({ bus: new MemoryBus(clock()) });
    const seeder = new HistorySeeder({ store: ts.store, history: broker, historyOptions });
    const second = makeLog({ seeder, broker });
    const r = await second.commit(draft(room, owner));
    assert.deepEqual(r.message.pos, { epoch, offset: 6 });
    const read = await broker.history(room, { since: { epoch, offset: 2 }, limit: 100 });
    assert.equal(read.recoverable, true);
    assert.deepEqual(read.recoverable && read.messages.map((m) => m.pos.offset), [3, 4, 5, 6]);
    await second.drain();
  });
  test('hot history out of step with the archive is re-seeded from it; the commit still succeeds', async () => {
    const log = makeLog();
    await broker.seed(room, epoch, [], 5); // claims offset 5 while the archive is empty
    const r = await log.commit(draft(room, owner));
    assert.deepEqual(r.message.pos, { epoch, offset: 1 });
    assert.deepEqual((await broker.history(room, { limit: 0 })).top, { epoch, offset: 1 });
    await new Promise((res) => setImmediate(res));
    assert.deepEqual(
      delivered.map((m) => m.id),
      [r.message.id],
    );
    await log.drain();
  });
});
