/**
 * Fans joining at once read the database twice each: in scale-out mode a fan's first join misses the access
 * cache and read its membership and its sanctions with one query each, so a live starting or the clients of a
 * dead gateway coming back made two PostgreSQL round trips per fan (with 2 000 accounts instead of the
 * benchmark's 50, a join cost the gateway twice the CPU: issue 6, docs/benchmarks.md "Stop 45"). Now the misses
 * of many fans leave in one read per community (app/pair-batches.ts under app/access-cache.ts), with the same
 * answers: here 200 fans joining together, one of them banned, one not a member of a members-only room.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedAccessStore } from '../../src/app/access-cache.ts';
import { RoomAccess } from '../../src/chat/room-access.ts';
import { isAppError } from '../../src/errors.ts';
import { systemRuntime } from '../../src/runtime.ts';
import type { AuditRecord } from '../../src/storage/moderation-records.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import { community, room } from '../conformance/store.fixtures.ts';

const FANS = 200;

describe('regression: fans joining at once read the database twice each', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lightstick-batch-'));
  let store: Store;
  before(async () => {
    store = await openSqliteStore(join(dir, 'lightstick.db'), { synchronous: 'NORMAL' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${FANS} fans' first joins read memberships and sanctions once each, with the same answers`, async () => {
    const c = community({ createdBy: 'owner' });
    const open = room(c.id);
    await store.communities.create(c, open);
    const closed = room(c.id, { access: 'members' });
    await store.rooms.create(closed);
    const fans = Array.from({ length: FANS }, (_, i) => `fan${i}`);
    for (const userId of fans.slice(1)) {
      await store.communities.setMembership({ communityId: c.id, userId, role: 'member', joinedAt: 1 });
    }
    const by = { id: 'owner', name: 'owner' };
    const audit: AuditRecord = {
      id: 'a1',
      communityId: c.id,
      room: null,
      actor: by,
      action: 'ban.set',
      targetUserId: 'fan7',
      targetMessageId: null,
      details: {},
      at: 1,
    };
    await store.sanctions.set(
      { communityId: c.id, userId: 'fan7', kind: 'ban', until: null, reason: 'spam', by, at: 1 },
      audit,
    );

    // Every call that reads a membership or sanctions, of one user or of many.
    const reads = { membership: 0, sanctions: 0 };
    const counting = <T extends object>(repo: T, methods: string[], kind: keyof typeof reads): T =>
      new Proxy(repo, {
        get(target, key, receiver) {
          const value: unknown = Reflect.get(target, key, receiver);
          if (typeof key !== 'string' || !methods.includes(key) || typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            reads[kind]++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    const counted: Store = {
      ...store,
      communities: counting(store.communities, ['membership', 'membershipsAmong'], 'membership'),
      sanctions: counting(store.sanctions, ['of', 'among'], 'sanctions'),
    };
    const access = new RoomAccess(cachedAccessStore(counted, { runtime: systemRuntime }));
    const principal = (userId: string) => ({
      userId,
      name: userId,
      displayName: userId,
      admin: false,
      expiresAt: Date.now() + 60_000,
    });
    const joined = await Promise.allSettled(
      fans.map((userId, i) => access.join(principal(userId), i === 0 ? closed.id : open.id)),
    );
    const code = (r: PromiseSettledResult<unknown>) =>
      r.status === 'fulfilled' ? 'ok' : isAppError(r.reason) ? r.reason.code : String(r.reason);
    assert.equal(code(joined[0]!), 'forbidden', 'not a member, members-only room');
    assert.equal(code(joined[7]!), 'banned');
    assert.deepEqual(joined.filter((_, i) => i !== 0 && i !== 7).map(code), new Array(FANS - 2).fill('ok'));
    assert.ok(reads.membership <= 2, `${reads.membership} membership reads for ${FANS} fans`);
    assert.ok(reads.sanctions <= 2, `${reads.sanctions} sanctions reads for ${FANS} fans`);
  });
});
