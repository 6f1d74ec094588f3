/**
 * The gateway's remembered revocation checks (src/app/revocation-cache.ts): a sign-in checked recently costs no
 * call to the shared list, and yet a revocation is never missed: it is heard on the control channel, and a
 * "not revoked" answer is kept only while the node's subscription has not broken since the check was sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RevocationCache } from '../../src/app/revocation-cache.ts';

function setup(maxAgeMs = 30_000) {
  let now = 1_000;
  let continuity = 1;
  const revoked = new Set<string>();
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  const list = {
    async has(id: string) {
      calls.push(id);
      const answer = revoked.has(id); // read when the check runs, before any wait
      if (gate) await gate;
      return answer;
    },
  };
  const cache = new RevocationCache(list, {
    runtime: { now: () => now, id: () => 'x', random: (n) => Buffer.alloc(n) },
    continuity: () => continuity,
    maxAgeMs,
    revokedTtlMs: 60_000,
  });
  return {
    cache,
    calls,
    revoked,
    tick: (ms: number) => (now += ms),
    setContinuity: (c: number) => (continuity = c),
    hold: () => {
      let open!: () => void;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
  };
}

test('a sign-in checked clear is answered from memory until maxAgeMs', async () => {
  const t = setup(30_000);
  assert.equal(await t.cache.has('s1'), false);
  assert.equal(await t.cache.has('s1'), false);
  t.tick(29_999);
  assert.equal(await t.cache.has('s1'), false);
  assert.deepEqual(t.calls, ['s1']);
  t.tick(1);
  assert.equal(await t.cache.has('s1'), false);
  assert.deepEqual(t.calls, ['s1', 's1'], 'checked again once too old');
});

test('a revocation heard on the control channel is refused from memory', async () => {
  const t = setup();
  assert.equal(await t.cache.has('s1'), false);
  t.revoked.add('s1');
  t.cache.heard(['s1']);
  assert.equal(await t.cache.has('s1'), true);
  assert.deepEqual(t.calls, ['s1']);
});

test('a revocation heard while its check was in flight wins (revoked-while-checking)', async () => {
  const t = setup();
  const open = t.hold();
  const checking = t.cache.has('s1'); // runs before the revocation is written, answers after it is heard
  t.revoked.add('s1');
  t.cache.heard(['s1']);
  open();
  assert.equal(await checking, true);
  assert.equal(await t.cache.has('s1'), true);
});

test('nothing is remembered across a break in the subscription, or while it is down', async () => {
  const t = setup();
  assert.equal(await t.cache.has('s1'), false);
  t.setContinuity(2); // the subscriber reconnected: a revocation may have been missed
  t.revoked.add('s1');
  assert.equal(await t.cache.has('s1'), true, 'checked again, and refused');
  t.setContinuity(-1); // down now
  assert.equal(await t.cache.has('s2'), false);
  assert.equal(await t.cache.has('s2'), false);
  assert.deepEqual(t.calls, ['s1', 's1', 's2', 's2'], 'not remembered while down');
  // A check whose subscription broke while it was in flight is not remembered either.
  t.setContinuity(3);
  const open = t.hold();
  const checking = t.cache.has('s3');
  t.setContinuity(4);
  open();
  assert.equal(await checking, false);
  assert.equal(await t.cache.has('s3'), false);
  assert.deepEqual(t.calls.slice(-2), ['s3', 's3']);
});
