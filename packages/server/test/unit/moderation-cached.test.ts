/**
 * The read-through cache the send checks read room modes and filters through: fresh values are reused, one load
 * per key at a time, a change here is seen at once, and a database outage never fails a send (last known value,
 * else the fallback) nor costs a query per send (it is left alone for a while).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cached } from '../../src/moderation/cached.ts';
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
