/**
 * A send read the room's modes, its word filter and the sender's room access through read-through caches that
 * went stale after `freshMs` (1 s for modes and filters, 5 s for access): the first send after that waited for the
 * database or Redis again. On a gateway of a saturated box, one send in ten waited 24–70 ms that way, for each of
 * the three reads, and that was the tail of send-to-ack (`live` 20 000 × 20 msgs/s: before the commit, p90 73 ms
 * and p99 144 ms; docs/benchmarks.md "Stop 23"). A value past half its `freshMs` is now answered at once and read
 * again in the background; a value older than `freshMs` is still never used, so the bound on a missed change holds.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cached } from '../../src/read-through-cache.ts';
import { cachedAccessStore } from '../../src/app/access-cache.ts';
import { AppError } from '../../src/errors.ts';
import type { MembershipRecord, Store } from '../../src/storage/repositories.ts';
import { fakeClock } from '../support/fake-clock.ts';

/** A read that answers only when the test says so. */
function gatedReads<T>() {
  const waiting: { resolve(v: T): void; reject(e: unknown): void }[] = [];
  return {
    read: () => new Promise<T>((resolve, reject) => waiting.push({ resolve, reject })),
    get count() {
      return waiting.length;
    },
    answer(v: T) {
      waiting.shift()!.resolve(v);
    },
    fail(e: unknown) {
      waiting.shift()!.reject(e);
    },
  };
}

const settled = () => new Promise((r) => setImmediate(r));

/** Whether `p` is still unsettled once what was already answered has run. */
async function waiting(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await settled();
  return !done;
}

/** A Cached (fresh 1 s, back-off 2 s) over gated reads, holding `first` for 'room' as of now. */
async function cachedHolding(first: string) {
  const clock = fakeClock();
  const reads = gatedReads<string>();
  const c = new Cached<string>(() => reads.read(), {
    runtime: clock,
    freshMs: 1000,
    retryMs: 2000,
    fallback: () => 'fb',
  });
  const got = c.get('room');
  reads.answer(first);
  assert.equal(await got, first);
  return { clock, reads, c };
}

describe('regression: a send waits for a cache read once every freshMs', () => {
  test('Cached (room modes, filters): answered at once past half of freshMs, read once in the background', async () => {
    const { clock, reads, c } = await cachedHolding('v1');
    clock.advance(499);
    assert.equal(await c.get('room'), 'v1');
    assert.equal(reads.count, 0, 'fresh: not read');

    clock.advance(301); // 800 ms old
    assert.equal(await c.get('room'), 'v1', 'answered without waiting for the read');
    assert.equal(await c.get('room'), 'v1');
    assert.equal(reads.count, 1, 'one read in the background for both');
    reads.answer('v2');
    await settled();
    clock.advance(600); // 600 ms after the new value, 1 400 ms after the first: the first would be too old
    assert.equal(await c.get('room'), 'v2');

    // Past freshMs nothing old is used: the get waits for the read, as before.
    clock.advance(1000);
    const late = c.get('room');
    assert.equal(await waiting(late), true, 'a value older than freshMs is not answered');
    reads.answer('v3');
    assert.equal(await late, 'v3');
  });

  test('Cached: a change made here while a read ahead is out is not undone by that read', async () => {
    const { clock, reads, c } = await cachedHolding('old');
    clock.advance(700);
    assert.equal(await c.get('room'), 'old'); // starts the read ahead
    c.forget('room'); // a moderator changed the mode in this process
    const next = c.get('room');
    assert.equal(reads.count, 2, 'the get after the change reads again, it does not join the earlier read');
    reads.answer('old'); // the read from before the change answers last known
    reads.answer('new');
    assert.equal(await next, 'new');
    assert.equal(await c.get('room'), 'new', 'the earlier read did not overwrite the change');
  });

  test('Cached: a failed read ahead is no unhandled rejection, and an outage backs off as before', async () => {
    const { clock, reads, c } = await cachedHolding('v1');
    clock.advance(600);
    assert.equal(await c.get('room'), 'v1');
    reads.fail(new AppError('unavailable', 'database down'));
    await settled();
    clock.advance(100);
    assert.equal(await c.get('room'), 'v1');
    assert.equal(reads.count, 0, 'backing off: no read ahead');
    clock.advance(400); // 1 100 ms old, still backing off: the last known value
    assert.equal(await c.get('room'), 'v1');
    assert.equal(reads.count, 0);
  });

  test('access cache (membership): answered at once past half of freshMs, one read ahead per key', async () => {
    const clock = fakeClock();
    const reads = gatedReads<MembershipRecord | undefined>();
    // The cache reads memberships in batches (app/pair-batches.ts): one user each here.
    const store = {
      rooms: { byId: () => Promise.resolve(undefined) },
      communities: {
        byId: () => Promise.resolve(undefined),
        membershipsAmong: async (_c: string, ids: readonly string[]) => {
          const m = await reads.read();
          return new Map(m === undefined ? [] : [[ids[0]!, m]]);
        },
      },
      sanctions: { among: () => Promise.resolve(new Map()) },
    } as unknown as Store;
    // A batch leaves on a later turn of the loop (the first one once DataLoader is loaded, which can take many turns
    // on a busy machine): waits with a deadline.
    const issued = async (n: number) => {
      for (const deadline = Date.now() + 30_000; reads.count < n && Date.now() < deadline;) await settled();
      assert.equal(reads.count, n, 'the read left');
    };
    const hot = cachedAccessStore(store, { runtime: clock, freshMs: 5000 });
    const record = { communityId: 'c', userId: 'u', role: 'fan' } as unknown as MembershipRecord;
    const first = hot.communities.membership('c', 'u');
    await issued(1);
    reads.answer(record);
    assert.equal(await first, record);

    clock.advance(2000);
    assert.equal(await hot.communities.membership('c', 'u'), record);
    await settled();
    assert.equal(reads.count, 0, 'fresh: not read');
    clock.advance(1000); // 3 s old
    assert.equal(await hot.communities.membership('c', 'u'), record, 'answered without waiting');
    assert.equal(await hot.communities.membership('c', 'u'), record);
    await issued(1);
    await settled();
    assert.equal(reads.count, 1, 'one read ahead for both');
    reads.answer(undefined); // left the community meanwhile
    await settled();
    const gone = hot.communities.membership('c', 'u');
    await issued(1);
    reads.answer(undefined);
    assert.equal(await gone, undefined, 'not a member is not cached: asked again');

    // Past freshMs the get waits, as before.
    const again = hot.communities.membership('c', 'u');
    await issued(1);
    reads.answer(record);
    await again;
    clock.advance(5000);
    const late = hot.communities.membership('c', 'u');
    assert.equal(await waiting(late), true);
    await issued(1);
    reads.answer(record);
    assert.equal(await late, record);
  });
});
