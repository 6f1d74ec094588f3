/**
 * The deletions among a join's replay (src/gateway/replay-deletions.ts): joins of a busy room read the store
 * once per room and freshness window, only for ids not known yet; a deletion told forgets the room; a store
 * that cannot answer fails the join. Regression: every join read PostgreSQL (join-replay-reads-postgres).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayDeletions } from '../../src/gateway/replay-deletions.ts';
import type { DeletionRecord } from '../../src/storage/moderation-records.ts';
import type { Store } from '../../src/storage/repositories.ts';

function fakeStore(deleted: Map<string, DeletionRecord>) {
  const calls: string[][] = [];
  let failing = false;
  const store = {
    moderation: {
      async deletions(ids: string[]) {
        calls.push([...ids]);
        await new Promise((r) => setImmediate(r));
        if (failing) throw new Error('database down');
        return ids.flatMap((id) => (deleted.has(id) ? [deleted.get(id)!] : []));
      },
    },
  } as unknown as Pick<Store, 'moderation'>;
  return { store, calls, fail: (on: boolean) => (failing = on) };
}

const record = (id: string): DeletionRecord => ({
  messageId: id,
  room: 'r1',
  by: { id: 'mod', name: 'mod' },
  at: 1,
});

test('a burst of joins reads the store once; only new ids are read after (join-replay-reads-postgres)', async () => {
  const deleted = new Map([['m2', record('m2')]]);
  const { store, calls } = fakeStore(deleted);
  let now = 0;
  const d = new ReplayDeletions({ store, now: () => now, freshMs: 1000 });
  const replays = await Promise.all(Array.from({ length: 100 }, () => d.among('r1', ['m1', 'm2', 'm3'])));
  assert.equal(calls.length, 1);
  for (const r of replays) assert.deepEqual(r, [record('m2')]);
  // A new message in the replay: only it is read.
  assert.deepEqual(await d.among('r1', ['m2', 'm3', 'm4']), [record('m2')]);
  assert.deepEqual(calls[1], ['m4']);
  // Another room is its own read.
  await d.among('r2', ['m9']);
  assert.equal(calls.length, 3);
  // After the freshness window everything is read again.
  now = 1000;
  await d.among('r1', ['m1', 'm2']);
  assert.deepEqual(calls[3], ['m1', 'm2']);
});

test('a deletion told forgets the room: the next join reads again and sees it', async () => {
  const deleted = new Map<string, DeletionRecord>();
  const { store, calls } = fakeStore(deleted);
  const d = new ReplayDeletions({ store, now: () => 0, freshMs: 60_000 });
  assert.deepEqual(await d.among('r1', ['m1', 'm2']), []);
  deleted.set('m1', record('m1'));
  assert.deepEqual(await d.among('r1', ['m1', 'm2']), [], 'within the window, without a control message');
  d.forget('r1');
  assert.deepEqual(await d.among('r1', ['m1', 'm2']), [record('m1')]);
  assert.equal(calls.length, 2);
});

test('a store that cannot answer fails the join, and the next join reads again', async () => {
  const { store, calls, fail } = fakeStore(new Map());
  const d = new ReplayDeletions({ store, now: () => 0, freshMs: 60_000 });
  fail(true);
  await assert.rejects(d.among('r1', ['m1']), /database down/);
  fail(false);
  assert.deepEqual(await d.among('r1', ['m1']), []);
  assert.equal(calls.length, 2);
});
