/**
 * The Archiver over real stores: the Redis room stream (unique prefix) feeding a SQLite archive in a temp dir.
 * Batching per room, idempotence when two archivers race, backoff and one log line per outage while the
 * archive refuses writes, a room the archive does not know, and stop() finishing the batch in hand.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { ChatMessage } from '@lightstick/protocol';
import { AppError } from '../../src/errors.ts';
import { createRedisClients } from '../../src/broker/redis-clients.ts';
import { Archiver, type ArchiverDeps } from '../../src/chat/archiver.ts';
import type { MessageDraft, MessagesRepo, Store } from '../../src/storage/repositories.ts';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../support/archive-resources.ts';
import { clock, community, tempStore, testMetrics, user } from './chat-support.ts';
import { roomStream } from '../support/redis-stream.ts';

const appendOptions = { maxSize: 10_000, ttlMs: 3_600_000, maxBacklog: 100_000, dedupTtlMs: 60_000 };
let n = 0;
const draft = (room: string): MessageDraft => ({
  id: `m-${process.pid}-${++n}`,
  room,
  cid: `c${n}`,
  user: { id: 'u-fan', name: 'fan', displayName: 'Fan' },
  role: 'fan',
  priority: false,
  text: `hello ${n}`,
  ts: 1_700_000_000_000 + n,
});

/** Log lines, parsed, at `level` and above. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** The real archive, with a switch that makes it fail as an unreachable database does. */
function switchable(messages: MessagesRepo) {
  const state = { down: false, attempts: 0, gate: undefined as Promise<void> | undefined };
  const repo: Pick<MessagesRepo, 'archiveBatch'> = {
    async archiveBatch(batch: ChatMessage[]) {
      state.attempts++;
      if (state.gate) await state.gate;
      if (state.down) throw new AppError('unavailable', 'database down (test)');
      return messages.archiveBatch(batch);
    },
  };
  return { repo, state };
}

describe('Archiver', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup() {
    const prefix = uniquePrefix();
    const clients = await createRedisClients(REDIS_URL, { prefix });
    const stream = roomStream(clients, clock(), { backlogCacheMs: 0 });
    const temp = await tempStore();
    cleanups.push(async () => {
      await clients.close();
      await dropPrefix(prefix);
      await temp.cleanup();
    });
    const owner = await user(temp.store);
    const rooms = [
      (await community(temp.store, owner)).room.id,
      (await community(temp.store, owner)).room.id,
    ];
    const append = async (room: string, count: number) => {
      const acked: ChatMessage[] = [];
      for (let i = 0; i < count; i++) acked.push((await stream.append(draft(room), appendOptions)).message);
      return acked;
    };
    const archiver = (over: Partial<ArchiverDeps> = {}) =>
      new Archiver({
        stream,
        messages: temp.store.messages,
        metrics: testMetrics(),
        logger: capturingLogger().logger,
        idleMs: 1,
        backoff: { minMs: 1, maxMs: 5 },
        ...over,
      });
    return { stream, store: temp.store as Store, rooms, append, archiver };
  }

  test('moves each room in batches, oldest first, with the stream positions', async () => {
    const { stream, store, rooms, append, archiver } = await setup();
    const [a, b] = rooms as [string, string];
    const inA = await append(a, 23);
    const inB = await append(b, 4);
    const metrics = testMetrics();
    const arch = archiver({ batchSize: 10, metrics });
    assert.equal(await arch.runOnce(), 14); // one batch per room per pass
    assert.equal(await store.messages.count(a), 10);
    assert.equal(await arch.runOnce(), 10);
    assert.equal(await arch.runOnce(), 3);
    assert.equal(await arch.runOnce(), 0);
    assert.equal(await stream.backlog(), 0);
    assert.deepEqual(await store.messages.latest(a, 100), inA);
    assert.deepEqual(await store.messages.latest(b, 100), inB);
    assert.deepEqual(await store.messages.lastPosition(a), inA.at(-1)!.pos);
    assert.equal((await metrics.messagesArchived.get()).values[0]?.value, 27);
    assert.equal((await metrics.archiveBacklog.get()).values[0]?.value, 0);
  });

  test('two archivers racing store every message exactly once', async () => {
    const { store, rooms, append, archiver } = await setup();
    const acked = [...(await append(rooms[0]!, 60)), ...(await append(rooms[1]!, 45))];
    const one = archiver({ batchSize: 7 });
    const two = archiver({ batchSize: 7 });
    while ((await Promise.all([one.runOnce(), two.runOnce()])).some((x) => x > 0));
    const stored = [
      ...(await store.messages.latest(rooms[0]!, 500)),
      ...(await store.messages.latest(rooms[1]!, 500)),
    ];
    assert.deepEqual(stored.map((m) => m.id).sort(), acked.map((m) => m.id).sort());
  });

  test('backs off while the archive is down, logs once per outage, and catches up', async () => {
    const { stream, store, rooms, append, archiver } = await setup();
    const acked = await append(rooms[0]!, 12);
    const { repo, state } = switchable(store.messages);
    const { logger, lines } = capturingLogger();
    const metrics = testMetrics();
    const arch = archiver({ messages: repo, logger, metrics, batchSize: 5 });
    state.down = true;
    arch.start();
    cleanups.push(() => arch.stop());
    await until(() => state.attempts >= 4);
    assert.equal(arch.healthy(), false);
    assert.equal(await store.messages.count(rooms[0]!), 0);
    assert.equal(await stream.backlog(), 12, 'nothing leaves the stream while the archive is down');
    state.down = false;
    await until(async () => (await store.messages.count(rooms[0]!)) === 12 && arch.healthy());
    await until(async () => (await stream.backlog()) === 0);
    assert.deepEqual(await store.messages.latest(rooms[0]!, 100), acked);
    const errors = lines.filter((l) => l.level >= 50);
    assert.equal(errors.length, 1, JSON.stringify(lines));
    assert.match(errors[0]!.msg, /archive writes failing \(store\)/);
    assert.equal(lines.filter((l) => l.msg === 'archive writes resumed').length, 1);
    const failed = (await metrics.archiveErrors.get()).values.find((v) => v.labels.stage === 'store');
    assert.ok((failed?.value ?? 0) >= 4);
  });

  test('a room the archive does not know stays in its stream; the other rooms go on', async () => {
    const { stream, store, rooms, append, archiver } = await setup();
    await append('no-such-room', 3);
    await append(rooms[0]!, 2);
    const { logger, lines } = capturingLogger();
    const arch = archiver({ logger });
    assert.equal(await arch.runOnce(), 2);
    assert.equal(await arch.runOnce(), 0);
    assert.equal(arch.healthy(), true);
    assert.equal(await store.messages.count(rooms[0]!), 2);
    assert.equal(await stream.backlog(), 3);
    assert.equal(lines.filter((l) => /archive refused a room/.test(l.msg)).length, 1);
  });

  test('stop() finishes the batch in hand before it resolves', async () => {
    const { stream, store, rooms, append, archiver } = await setup();
    await append(rooms[0]!, 8);
    const { repo, state } = switchable(store.messages);
    let release!: () => void;
    state.gate = new Promise((r) => (release = r));
    const arch = archiver({ messages: repo, batchSize: 5 });
    arch.start();
    await until(() => state.attempts === 1);
    let stopped = false;
    const stopping = arch.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false, 'stop waits for the batch being written');
    release();
    await stopping;
    assert.equal(await store.messages.count(rooms[0]!), 5);
    assert.equal(await stream.backlog(), 3, 'the batch was marked archived; the rest waits for the next run');
  });
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
