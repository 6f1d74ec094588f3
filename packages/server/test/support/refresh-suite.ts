/**
 * Refresh-token rotation against a real store (SQLite in the unit tier, PostgreSQL in the integration tier):
 * one transaction per rotation, reuse revokes the sign-in, no successor survives a race (issue 8).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../../src/storage/repositories.ts';
import type { Runtime } from '../../src/runtime.ts';
import { AppError } from '../../src/errors.ts';
import { RefreshTokens, hashRefreshToken } from '../../src/auth/refresh-tokens.ts';

export function clock(): Runtime & { advance(ms: number): void } {
  let t = 1_800_000_000_000;
  return {
    now: () => t,
    id: () => randomUUID(),
    random: (n) => randomBytes(n),
    advance: (ms) => void (t += ms),
  };
}
const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;

export async function seedUser(store: Store, id = 'u-1'): Promise<void> {
  await store.users.create({
    id,
    name: id,
    nameKey: id,
    displayName: 'Mina',
    passwordHash: 'x',
    creator: false,
    admin: false,
    createdAt: 0,
  });
}

export function refreshSuite(getStore: () => Store): void {
  test('tokens are 32 random bytes and only their hash is stored', async () => {
    const store = getStore();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    const { token, sessionId } = await refresh.issue('u-1');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const rec = await store.sessions.byHash(hashRefreshToken(token));
    assert.ok(rec);
    assert.equal(rec.familyId, sessionId);
    assert.ok(!JSON.stringify(rec).includes(token));
  });

  test('rotation spends the token and answers a successor in the same sign-in', async () => {
    const store = getStore();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    const first = await refresh.issue('u-1');
    const second = await refresh.rotate(first.token);
    assert.equal(second.userId, 'u-1');
    assert.equal(second.sessionId, first.sessionId);
    assert.notEqual(second.token, first.token);
    const a = await store.sessions.byHash(hashRefreshToken(first.token));
    assert.notEqual(a?.usedAt, null);
    assert.equal((await refresh.rotate(second.token)).userId, 'u-1');
  });

  test('reusing a spent token revokes the whole sign-in; a later use of any of its tokens is reuse too', async () => {
    const store = getStore();
    const reused: string[] = [];
    const refresh = new RefreshTokens({
      sessions: store.sessions,
      runtime: clock(),
      ttlSec: 3600,
      onReuse: ({ sessionId }) => void reused.push(sessionId),
    });
    const first = await refresh.issue('u-1');
    const second = await refresh.rotate(first.token);
    await assert.rejects(refresh.rotate(first.token), code('refresh_reused'));
    // The successor the thief (or the owner) holds is dead, and its use is a theft signal too.
    await assert.rejects(refresh.rotate(second.token), code('refresh_reused'));
    assert.deepEqual(reused, [first.sessionId, first.sessionId]);
    assert.notEqual((await store.sessions.session(first.sessionId))?.revokedAt, null);
    // Another login's sign-in is untouched.
    const other = await refresh.issue('u-1');
    assert.equal((await refresh.rotate(other.token)).userId, 'u-1');
  });

  test('50 concurrent races with one stolen token: one winner at most, and no session survives', async () => {
    const store = getStore();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    for (let race = 0; race < 50; race++) {
      const stolen = await refresh.issue('u-1');
      const results = await Promise.allSettled([refresh.rotate(stolen.token), refresh.rotate(stolen.token)]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.equal(won.length, 1, `race ${race}: exactly one rotation wins`);
      assert.ok(
        lost.every((r) => code('refresh_reused')(r.reason)),
        `race ${race}: the other is reuse`,
      );
      // The winner's successor died with the sign-in: it answers reuse, never a new token.
      const successor = (won[0] as PromiseFulfilledResult<{ token: string }>).value.token;
      await assert.rejects(refresh.rotate(successor), code('refresh_reused'), `race ${race}: survivor`);
      assert.notEqual((await store.sessions.session(stolen.sessionId))?.revokedAt, null);
    }
  });

  test('a rotation racing a logout never leaves a live successor', async () => {
    const store = getStore();
    const rt = clock();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: rt, ttlSec: 3600 });
    for (let race = 0; race < 20; race++) {
      const t = await refresh.issue('u-1');
      const [rotated] = await Promise.allSettled([
        refresh.rotate(t.token),
        store.sessions.revokeSession(t.sessionId, rt.now()),
      ]);
      if (rotated.status === 'fulfilled') {
        await assert.rejects(refresh.rotate(rotated.value.token), code('refresh_reused'));
      }
    }
  });

  test('a sign-in has an absolute end that rotations do not move', async () => {
    const store = getStore();
    const rt = clock();
    const refresh = new RefreshTokens({
      sessions: store.sessions,
      runtime: rt,
      ttlSec: 86_400,
      maxAgeDays: 2,
    });
    let t = await refresh.issue('u-1');
    rt.advance(20 * 3600_000);
    t = await refresh.rotate(t.token);
    rt.advance(20 * 3600_000);
    t = await refresh.rotate(t.token);
    // 40 h in: the successor ends with the sign-in at 48 h, not 24 h after this rotation.
    assert.equal(t.expiresAt, 1_800_000_000_000 + 48 * 3600_000);
    rt.advance(8 * 3600_000);
    await assert.rejects(refresh.rotate(t.token), code('token_invalid'));
  });

  test('expired, unknown and malformed tokens answer token_invalid; logout is idempotent', async () => {
    const store = getStore();
    const rt = clock();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: rt, ttlSec: 60 });
    const expiring = await refresh.issue('u-1');
    rt.advance(60_000);
    await assert.rejects(refresh.rotate(expiring.token), code('token_invalid'));
    for (const junk of ['', 'x', randomBytes(32).toString('base64url'), "' OR 1=1 --".padEnd(43, 'x')]) {
      await assert.rejects(refresh.rotate(junk), code('token_invalid'));
    }
    assert.equal(await refresh.sessionOf('not a token'), undefined);
    const live = await refresh.issue('u-1');
    assert.equal(await store.sessions.revokeSession(live.sessionId, rt.now()), 'u-1');
    assert.equal(await store.sessions.revokeSession(live.sessionId, rt.now()), undefined);
  });

  test('ending every sign-in of a user but one', async () => {
    const store = getStore();
    const rt = clock();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: rt, ttlSec: 3600 });
    const [a, b, c] = [await refresh.issue('u-1'), await refresh.issue('u-1'), await refresh.issue('u-1')];
    const ended = await store.sessions.revokeUserSessions('u-1', rt.now(), b.sessionId);
    assert.ok(ended.includes(a.sessionId) && ended.includes(c.sessionId) && !ended.includes(b.sessionId));
    await assert.rejects(refresh.rotate(a.token), code('refresh_reused'));
    assert.equal((await refresh.rotate(b.token)).userId, 'u-1');
    const since = await store.sessions.revokedSince(rt.now());
    assert.ok(since.includes(a.sessionId) && !since.includes(b.sessionId));
  });
}
