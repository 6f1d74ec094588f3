import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import type { Store } from '../../src/storage/repositories.ts';
import type { Runtime } from '../../src/runtime.ts';
import { AppError } from '../../src/errors.ts';
import { RefreshTokens, hashRefreshToken } from '../../src/auth/refresh-tokens.ts';

function clock(): Runtime & { advance(ms: number): void } {
  let t = 1_800_000_000_000;
  return {
    now: () => t,
    id: () => randomUUID(),
    random: (n) => randomBytes(n),
    advance: (ms) => void (t += ms),
  };
}
const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;

describe('RefreshTokens', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ls-refresh-'));
    store = await openSqliteStore(path.join(dir, 'test.db'));
    await store.users.create({
      id: 'u-1',
      name: 'mina',
      nameKey: 'mina',
      displayName: 'Mina',
      passwordHash: 'x',
      admin: false,
      createdAt: 0,
    });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('tokens are 32 random bytes and only their hash is stored', async () => {
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    const { token } = await refresh.issue('u-1');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const rec = await store.sessions.byHash(hashRefreshToken(token));
    assert.ok(rec);
    assert.ok(!JSON.stringify(rec).includes(token));
  });

  test('rotation spends the token and answers a successor in the same family', async () => {
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    const first = await refresh.issue('u-1');
    const second = await refresh.rotate(first.token);
    assert.equal(second.userId, 'u-1');
    assert.notEqual(second.token, first.token);
    const a = await store.sessions.byHash(hashRefreshToken(first.token));
    const b = await store.sessions.byHash(hashRefreshToken(second.token));
    assert.equal(a?.familyId, b?.familyId);
    assert.notEqual(a?.usedAt, null);
    const third = await refresh.rotate(second.token);
    assert.equal(third.userId, 'u-1');
  });

  test('reusing a spent token revokes the whole family', async () => {
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    const first = await refresh.issue('u-1');
    const second = await refresh.rotate(first.token);
    await assert.rejects(refresh.rotate(first.token), code('refresh_reused'));
    // The successor the thief (or the owner) holds is dead too.
    await assert.rejects(refresh.rotate(second.token), code('token_invalid'));
    // Another login's family is untouched.
    const other = await refresh.issue('u-1');
    assert.equal((await refresh.rotate(other.token)).userId, 'u-1');
  });

  test('two concurrent refreshes with one token: one wins, the other is reuse', async () => {
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: clock(), ttlSec: 3600 });
    const first = await refresh.issue('u-1');
    const results = await Promise.allSettled([refresh.rotate(first.token), refresh.rotate(first.token)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.ok(failed && code('refresh_reused')(failed.reason));
  });

  test('expired, revoked, unknown and malformed tokens answer token_invalid', async () => {
    const rt = clock();
    const refresh = new RefreshTokens({ sessions: store.sessions, runtime: rt, ttlSec: 60 });
    const expiring = await refresh.issue('u-1');
    const loggedOut = await refresh.issue('u-1');
    await refresh.revoke(loggedOut.token);
    await assert.rejects(refresh.rotate(loggedOut.token), code('token_invalid'));
    rt.advance(60_000);
    await assert.rejects(refresh.rotate(expiring.token), code('token_invalid'));
    for (const junk of ['', 'x', randomBytes(32).toString('base64url'), "' OR 1=1 --".padEnd(43, 'x')]) {
      await assert.rejects(refresh.rotate(junk), code('token_invalid'));
    }
    await refresh.revoke('not a token'); // logout is idempotent
  });
});
