/**
 * pairBatcher (app/pair-batches.ts): the (community, user) reads asked for together leave in one read per
 * community, those asked for while a read is in flight in the next one, those asked for within a gap of the last
 * read in one read after it, and a failed read fails only its keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_WAIT_MS, pairBatcher, pairKey } from '../../src/app/pair-batches.ts';
import { MAX_IDS_AMONG } from '../../src/storage/repositories.ts';

/** A read that answers `value:<community>:<user>` for users whose id does not start with "none", and logs each call. */
function fakeRead() {
  const calls: { community: string; users: string[] }[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const read = async (community: string, users: readonly string[]) => {
    calls.push({ community, users: [...users] });
    if (hold) await new Promise<void>((resolve) => pending.push(resolve));
    if (community === 'broken') throw new Error('database down');
    return new Map(users.filter((u) => !u.startsWith('none')).map((u) => [u, `value:${community}:${u}`]));
  };
  return {
    calls,
    read,
    hold: (on: boolean) => (hold = on),
    release: () => pending.splice(0).forEach((r) => r()),
  };
}

test('reads asked for together leave in one read per community, each user once', async () => {
  const db = fakeRead();
  const get = pairBatcher(db.read);
  const keys = [
    ['c1', 'u1'],
    ['c1', 'u2'],
    ['c2', 'u1'],
    ['c1', 'none1'],
  ] as const;
  const values = await Promise.all([...keys, ['c1', 'u1'] as const].map(([c, u]) => get(pairKey(c, u))));
  assert.deepEqual(values, ['value:c1:u1', 'value:c1:u2', 'value:c2:u1', undefined, 'value:c1:u1']);
  assert.deepEqual(
    db.calls.map((c) => `${c.community}:${c.users.join(',')}`),
    ['c1:u1,u2,none1', 'c2:u1'],
  );
});

test('what is asked for while a read is in flight leaves in one read when it is answered', async () => {
  const db = fakeRead();
  // Waits for the read in flight however long it takes (the default gives up after 250 ms: the last test).
  const get = pairBatcher(db.read, 3_600_000);
  db.hold(true);
  const first = get(pairKey('c1', 'u0'));
  // The first read of a batcher imports DataLoader first (through the test's loader: its own thread), so it may
  // take many turns of the loop on a busy machine: a deadline, not a count of turns.
  for (const deadline = Date.now() + 30_000; db.calls.length === 0 && Date.now() < deadline;) {
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(db.calls.length, 1, 'the first read left');
  const waiting: Promise<string | undefined>[] = [];
  for (let i = 1; i <= 50; i++) {
    waiting.push(get(pairKey('c1', `u${i}`)));
    // Asked over several turns of the loop, all while the first read is in flight.
    if (i % 10 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.equal(db.calls.length, 1, 'nothing else leaves while a read is in flight');
  db.hold(false);
  db.release();
  assert.equal(await first, 'value:c1:u0');
  const values = await Promise.all(waiting);
  assert.deepEqual(
    values,
    Array.from({ length: 50 }, (_, i) => `value:c1:u${i + 1}`),
  );
  assert.equal(db.calls.length, 2);
  assert.equal(db.calls[1]!.users.length, 50);
});

test('a community whose read fails fails only its own keys', async () => {
  const db = fakeRead();
  const get = pairBatcher(db.read);
  const [ok, broken] = await Promise.allSettled([get(pairKey('c1', 'u1')), get(pairKey('broken', 'u1'))]);
  assert.deepEqual(ok, { status: 'fulfilled', value: 'value:c1:u1' });
  assert.equal(broken.status, 'rejected');
  assert.match(String((broken as PromiseRejectedResult).reason), /database down/);
  // The next read is not held back by the failed one.
  assert.equal(await get(pairKey('c1', 'u2')), 'value:c1:u2');
});

test('a read takes at most MAX_IDS_AMONG users', async () => {
  const db = fakeRead();
  const get = pairBatcher(db.read);
  const n = MAX_IDS_AMONG + 5;
  const values = await Promise.all(Array.from({ length: n }, (_, i) => get(pairKey('c1', `u${i}`))));
  assert.equal(values.filter((v) => v !== undefined).length, n);
  assert.ok(db.calls.every((c) => c.users.length <= MAX_IDS_AMONG));
  assert.equal(db.calls.length, 2);
});

test('a batch waits for a read in flight at most maxWaitMs, not until the database times out', async () => {
  const db = fakeRead();
  const get = pairBatcher(db.read, 50);
  db.hold(true);
  const stuck = get(pairKey('c1', 'u0'));
  // Bounded waits (deadlines, not timing assertions).
  const until = async (cond: () => boolean) => {
    const deadline = Date.now() + 30_000;
    while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  await until(() => db.calls.length === 1);
  assert.equal(db.calls.length, 1, 'the first read left');
  const next = get(pairKey('c2', 'u1'));
  await until(() => db.calls.length === 2);
  assert.deepEqual(
    db.calls.map((c) => c.community),
    ['c1', 'c2'],
    'the second read left while the first was still held',
  );
  db.hold(false);
  db.release();
  assert.equal(await stuck, 'value:c1:u0');
  assert.equal(await next, 'value:c2:u1');
});

test('a quiet batcher sends at once; reads asked one after another within minGapMs of it share one read', async () => {
  const db = fakeRead();
  // A gap far longer than the asking below takes, even on a busy machine.
  const gapMs = 3000;
  const get = pairBatcher(db.read, MAX_WAIT_MS, gapMs);
  assert.equal(await get(pairKey('c1', 'u0')), 'value:c1:u0');
  // Joins arriving one after another, each after the read before was answered: none in flight.
  const later: Promise<string | undefined>[] = [];
  for (let i = 1; i <= 5; i++) {
    later.push(get(pairKey('c1', `u${i}`)));
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(db.calls.length, 1, 'nothing left within the gap');
  assert.deepEqual(
    await Promise.all(later),
    Array.from({ length: 5 }, (_, i) => `value:c1:u${i + 1}`),
  );
  assert.deepEqual(
    db.calls.map((c) => c.users.join(',')),
    ['u0', 'u1,u2,u3,u4,u5'],
  );
});

test('the first read after a pause waits for no gap', async () => {
  const db = fakeRead();
  // An hour's gap: a read that waited for it would not be answered within the test's deadline.
  const get = pairBatcher(db.read, MAX_WAIT_MS, 3_600_000);
  const first = await Promise.race([
    get(pairKey('c1', 'u1')),
    new Promise((r) => setTimeout(() => r('timed out'), 30_000).unref()),
  ]);
  assert.equal(first, 'value:c1:u1');
});
