/**
 * The server's read-through cache (room modes, filters, pins, names, and scale-out's rooms, memberships and
 * sanctions): fresh values are reused, one load per key at a time, a change here is seen at once, and a database
 * outage never fails a send (last known value, else the fallback) nor costs a query per send (it is left alone for
 * a while). Without a fallback an outage with nothing cached is the answer; `keep` leaves answers uncached; caches
 * of one database share its back-off; the least recently used key goes first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cached, Outage } from '../../src/read-through-cache.ts';
import { AppError } from '../../src/errors.ts';
import { fakeClock } from '../support/fake-clock.ts';

test('fresh, single-flight, forget, stale on outage, fallback and back-off', async () => {
  const clock = fakeClock();
  let loads = 0;
  let down = false;
  let value = 'v1';
  const errors: string[] = [];
  const c = new Cached<string>(
    async (key) => {
      loads++;
      await new Promise((r) => setTimeout(r, 5));
      if (down) throw new AppError('unavailable', 'database down');
      return `${key}:${value}`;
    },
    {
      runtime: clock,
      freshMs: 1000,
      retryMs: 2000,
      fallback: (key) => `${key}:fallback`,
      onError: (_e, k) => errors.push(k),
    },
  );
  assert.deepEqual(await Promise.all([c.get('a'), c.get('a'), c.get('a')]), ['a:v1', 'a:v1', 'a:v1']);
  assert.equal(loads, 1);
  value = 'v2';
  clock.advance(999);
  assert.equal(await c.get('a'), 'a:v1');
  c.forget('a');
  assert.equal(await c.get('a'), 'a:v2');
  down = true;
  clock.advance(1000);
  assert.equal(await c.get('a'), 'a:v2', 'the last known value');
  assert.equal(await c.get('b'), 'b:fallback', 'the fallback when nothing is known');
  const during = loads;
  for (let i = 0; i < 20; i++) await c.get(`k${i}`);
  assert.equal(loads, during, 'no load while backing off');
  assert.deepEqual(errors, ['a']);
  down = false;
  clock.advance(2000);
  assert.equal(await c.get('b'), 'b:v2');
  // Errors other than unavailable are real errors.
  const strict = new Cached<string>(async () => Promise.reject(new AppError('not_found', 'x')), {
    runtime: clock,
    freshMs: 1,
    fallback: () => 'f',
  });
  await assert.rejects(strict.get('x'), { code: 'not_found' });
});

test('without a fallback: the error when nothing is known, the last known value when something is', async () => {
  const clock = fakeClock();
  let down = false;
  const c = new Cached<string>(
    async (key) => {
      if (down) throw new Error('connection terminated'); // outside the registry: an outage too
      return key.toUpperCase();
    },
    { runtime: clock, freshMs: 1000, retryMs: 2000 },
  );
  assert.equal(await c.get('a'), 'A');
  down = true;
  clock.advance(1000);
  assert.equal(await c.get('a'), 'A', 'stale but known');
  await assert.rejects(c.get('b'), /connection terminated/, 'nothing to fall back on');
  // Backing off, a key with nothing cached is still asked (there is no answer without it).
  down = false;
  assert.equal(await c.get('b'), 'B');
});

test('keep: answers it refuses are not cached, and drop what was', async () => {
  const clock = fakeClock();
  let loads = 0;
  let member: string | undefined = 'fan';
  const c = new Cached<string | undefined>(
    async () => {
      loads++;
      return member;
    },
    { runtime: clock, freshMs: 1000, keep: (v) => v !== undefined },
  );
  assert.equal(await c.get('u'), 'fan');
  assert.equal(await c.get('u'), 'fan');
  assert.equal(loads, 1);
  member = undefined; // left the community
  clock.advance(1000);
  assert.equal(await c.get('u'), undefined);
  assert.equal(await c.get('u'), undefined);
  assert.equal(loads, 3, '"not a member" is asked again every time');
  member = 'fan'; // joined again: let in at once
  assert.equal(await c.get('u'), 'fan');
  assert.equal(loads, 4);
});

test('caches of one database share its back-off', async () => {
  const clock = fakeClock();
  let down = false;
  const loads = { rooms: 0, members: 0 };
  const outage = new Outage();
  const of = (kind: keyof typeof loads) =>
    new Cached<string>(
      async (key) => {
        loads[kind]++;
        if (down) throw new AppError('unavailable', 'database down');
        return key;
      },
      { runtime: clock, freshMs: 1000, retryMs: 2000, fallback: () => 'none', outage },
    );
  const rooms = of('rooms');
  const members = of('members');
  down = true;
  assert.equal(await rooms.get('r'), 'none');
  assert.equal(await members.get('m'), 'none', 'the other cache does not ask the failed database');
  assert.deepEqual(loads, { rooms: 1, members: 0 });
  clock.advance(2000);
  down = false;
  assert.equal(await members.get('m'), 'm');
});

test('bounded: past maxEntries the least recently used key is forgotten', async () => {
  const clock = fakeClock();
  const loaded: string[] = [];
  const c = new Cached<string>(
    async (key) => {
      loaded.push(key);
      return key;
    },
    { runtime: clock, freshMs: 60_000, maxEntries: 2 },
  );
  await c.get('a');
  await c.get('b');
  await c.get('a'); // a is used again: b is now the least recently used
  await c.get('c');
  await c.get('a');
  await c.get('b');
  assert.deepEqual(loaded, ['a', 'b', 'c', 'b']);
});
