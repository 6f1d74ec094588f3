/**
 * The gateway's verified-token cache (src/app/token-cache.ts): a token checked once costs a look-up until it
 * expires; any other token, one byte apart included, is checked in full; what failed is never remembered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/errors.ts';
import type { Principal, TokenVerifier } from '../../src/auth/principal.ts';
import { CachedTokenVerifier } from '../../src/app/token-cache.ts';
import { fakeClock } from '../support/fake-clock.ts';

/** A verifier that knows some tokens and counts what it was asked. */
function setup(max?: number) {
  const clock = fakeClock();
  const known = new Map<string, Principal>();
  const asked: string[] = [];
  const inner: TokenVerifier = {
    async verify(token) {
      asked.push(token);
      const p = known.get(token);
      if (p === undefined) throw new AppError('token_invalid', 'bad token');
      if (p.expiresAt <= clock.now()) throw new AppError('token_expired', 'expired');
      return p;
    },
  };
  const cache = new CachedTokenVerifier(inner, { runtime: clock, max });
  const issue = (token: string, ttlMs = 60_000) => {
    const p = { userId: `u-${token.length}`, name: 'fan', displayName: 'Fan', admin: false };
    known.set(token, { ...p, expiresAt: clock.now() + ttlMs });
    return token;
  };
  return { clock, cache, asked, issue };
}

// A token as long as a fan's RS256 token (~710 characters), header.payload.signature.
const longToken = (tail: string) => `eyJ${'a'.repeat(120)}.eyJ${'b'.repeat(240)}.${'c'.repeat(340)}${tail}`;

test('a token checked once is answered from the cache until it expires', async () => {
  const { cache, asked, issue } = setup();
  const token = issue(longToken('x'));
  const first = await cache.verify(token);
  const again = await cache.verify(token);
  assert.equal(again, first);
  assert.equal(asked.length, 1);
});

test('a token one byte apart from a cached one is checked in full, and refused', async () => {
  const { cache, asked, issue } = setup();
  const token = issue(longToken('x'));
  await cache.verify(token);
  const forged = [longToken('y'), token.replace('eyJb', 'eyJc'), token.slice(0, -1)];
  for (const f of forged) {
    await assert.rejects(cache.verify(f), (e) => e instanceof AppError && e.code === 'token_invalid');
  }
  assert.deepEqual(asked, [token, ...forged]);
});

test('an expired token is checked again, and the check answers', async () => {
  const { clock, cache, asked, issue } = setup();
  const token = issue(longToken('x'), 1000);
  await cache.verify(token);
  clock.advance(1000);
  await assert.rejects(cache.verify(token), (e) => e instanceof AppError && e.code === 'token_expired');
  assert.equal(asked.length, 2);
});

test('a refused token is not remembered: asked again, it is checked again', async () => {
  const { cache, asked } = setup();
  for (let i = 0; i < 2; i++) await assert.rejects(cache.verify(longToken('z')));
  assert.equal(asked.length, 2);
});

test('past `max` tokens the least recently used is checked again', async () => {
  const { cache, asked, issue } = setup(2);
  const [a, b, c] = ['a', 'b', 'c'].map((t) => issue(longToken(t)));
  await cache.verify(a!);
  await cache.verify(b!);
  await cache.verify(a!); // a is now the most recently used
  await cache.verify(c!); // b is forgotten
  await cache.verify(a!);
  await cache.verify(b!);
  assert.deepEqual(asked, [a, b, c, b]);
});
