/**
 * The one conformance suite for Store implementations (SQLite, PostgreSQL). Each test gets a fresh store
 * from the factory and cleans it up. Message archive cases live in store-messages.suite.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/storage/repositories.ts';
import {
  community,
  draft,
  rejectsWith,
  room,
  seedRoom,
  uid,
  user,
  type StoreFactory,
} from './store.fixtures.ts';
import { messageConformance } from './store-messages.suite.ts';
import { livesConformance } from './store-lives.suite.ts';
import { moderationConformance } from './store-moderation.suite.ts';
import { quotaConformance } from './store-quotas.suite.ts';
import { communityListConformance } from './store-community-list.suite.ts';

export type { StoreFactory } from './store.fixtures.ts';

/** Runs `fn` against a fresh store from `factory`, always cleaning up. */
export function withStore(factory: StoreFactory, fn: (store: Store) => Promise<void>): () => Promise<void> {
  return async () => {
    const { store, cleanup } = await factory();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };
}

export function storeConformance(factory: StoreFactory): void {
  const it = (name: string, fn: (store: Store) => Promise<void>): void =>
    void test(name, withStore(factory, fn));

  describe('users', () => {
    it('creates and looks a user up by id and name key', async (store) => {
      const u = user({ name: 'Hyunjin', nameKey: 'hyunjin', admin: true });
      await store.users.create(u);
      assert.deepEqual(await store.users.byId(u.id), u);
      assert.deepEqual(await store.users.byNameKey('hyunjin'), u);
      assert.equal(await store.users.byId('nobody'), undefined);
      assert.equal(await store.users.byNameKey('nobody'), undefined);
    });

    it('refuses a taken name key with username_taken', async (store) => {
      await store.users.create(user({ name: 'Felix', nameKey: 'felix' }));
      await rejectsWith(store.users.create(user({ name: 'FELIX', nameKey: 'felix' })), 'username_taken');
    });

    it('refuses a taken name skeleton with username_taken and finds a user by it (issue 8)', async (store) => {
      const iu = user({ name: 'IU', nameKey: 'iu' });
      await store.users.create(iu);
      assert.deepEqual(await store.users.byNameSkeleton(iu.nameSkeleton!), iu);
      assert.equal(await store.users.byNameSkeleton('nobody'), undefined);
      // 'lU' (small L) is another name key with the same look.
      await rejectsWith(store.users.create(user({ name: 'lU', nameKey: 'lu' })), 'username_taken');
      // Accounts without a skeleton claim none.
      await store.users.create(user({ nameSkeleton: null }));
      await store.users.create(user({ nameSkeleton: null }));
    });

    it('changes a password hash, and says not_found for an unknown user', async (store) => {
      const u = user();
      await store.users.create(u);
      await store.users.setPasswordHash(u.id, 'new-hash');
      assert.equal((await store.users.byId(u.id))?.passwordHash, 'new-hash');
      await rejectsWith(store.users.setPasswordHash('nobody', 'x'), 'not_found');
    });
  });

  describe('refresh tokens', () => {
    const token = (familyId: string, over: { expiresAt?: number } = {}) => ({
      tokenHash: uid('hash'),
      userId: 'u1',
      familyId,
      createdAt: 1000,
      expiresAt: over.expiresAt ?? 10_000,
      usedAt: null,
      revokedAt: null,
    });

    it('stores a token and marks it used exactly once', async (store) => {
      const t = token('f1');
      await store.sessions.insert(t);
      assert.deepEqual(await store.sessions.byHash(t.tokenHash), t);
      assert.equal(await store.sessions.markUsed(t.tokenHash, 2000), true);
      assert.equal(await store.sessions.markUsed(t.tokenHash, 3000), false);
      assert.equal((await store.sessions.byHash(t.tokenHash))?.usedAt, 2000);
      assert.equal(await store.sessions.markUsed('unknown', 2000), false);
      await rejectsWith(store.sessions.insert(t), 'conflict');
    });

    it('lets only one of many concurrent refreshes win', async (store) => {
      const t = token('f1');
      await store.sessions.insert(t);
      const wins = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.sessions.markUsed(t.tokenHash, i)),
      );
      assert.equal(wins.filter(Boolean).length, 1);
    });

    it('revokes a whole family and nothing else', async (store) => {
      const [a, b, other] = [token('fam'), token('fam'), token('other')];
      for (const t of [a, b, other]) await store.sessions.insert(t);
      await store.sessions.revokeFamily('fam', 500);
      await store.sessions.revokeFamily('fam', 900);
      assert.equal((await store.sessions.byHash(a.tokenHash))?.revokedAt, 500);
      assert.equal((await store.sessions.byHash(b.tokenHash))?.revokedAt, 500);
      assert.equal((await store.sessions.byHash(other.tokenHash))?.revokedAt, null);
      assert.equal(await store.sessions.markUsed(a.tokenHash, 1000), false);
      assert.equal(await store.sessions.markUsed(other.tokenHash, 1000), true);
    });

    it('deletes expired tokens and counts them', async (store) => {
      const [old1, old2, fresh] = [
        token('f', { expiresAt: 100 }),
        token('f', { expiresAt: 200 }),
        token('f'),
      ];
      for (const t of [old1, old2, fresh]) await store.sessions.insert(t);
      assert.equal(await store.sessions.deleteExpired(201), 2);
      assert.equal(await store.sessions.byHash(old1.tokenHash), undefined);
      assert.ok(await store.sessions.byHash(fresh.tokenHash));
      assert.equal(await store.sessions.deleteExpired(201), 0);
    });
  });

  describe('signing keys', () => {
    const key = (kid: string, createdAt: number) => ({
      kid,
      alg: 'EdDSA',
      privateJwk: `{"kty":"OKP","d":"${kid}"}`,
      publicJwk: `{"kty":"OKP","x":"${kid}"}`,
      createdAt,
      retiredAt: null,
    });

    it('lists usable keys newest first and keeps retired ones until `since`', async (store) => {
      await store.signingKeys.insert(key('k1', 1000));
      await store.signingKeys.insert(key('k2', 2000));
      assert.deepEqual(
        (await store.signingKeys.usable(0)).map((k) => k.kid),
        ['k2', 'k1'],
      );
      await store.signingKeys.retire('k1', 3000);
      await store.signingKeys.retire('k1', 9000);
      const [newest, retired] = await store.signingKeys.usable(2999);
      assert.deepEqual(newest, key('k2', 2000));
      assert.deepEqual(retired, { ...key('k1', 1000), retiredAt: 3000 });
      assert.deepEqual(
        (await store.signingKeys.usable(3000)).map((k) => k.kid),
        ['k2'],
      );
    });

    it('refuses a duplicate kid and an unknown retire', async (store) => {
      await store.signingKeys.insert(key('k1', 1000));
      await rejectsWith(store.signingKeys.insert(key('k1', 1000)), 'conflict');
      await rejectsWith(store.signingKeys.retire('nope', 1), 'not_found');
    });
  });

  describe('communities and memberships', () => {
    it('creates community, community room and owner membership together', async (store) => {
      const c = community({ createdBy: 'u-owner', createdAt: 5000 });
      const r = room(c.id);
      await store.communities.create(c, r);
      assert.deepEqual(await store.communities.byId(c.id), c);
      assert.deepEqual(await store.rooms.byId(r.id), r);
      assert.deepEqual(await store.communities.membership(c.id, 'u-owner'), {
        communityId: c.id,
        userId: 'u-owner',
        role: 'owner',
        joinedAt: 5000,
      });
    });

    it('refuses a taken slug with conflict and keeps nothing of the second community', async (store) => {
      const first = community({ slug: 'skz' });
      await store.communities.create(first, room(first.id));
      const second = community({ slug: 'skz', createdBy: 'u-2' });
      const secondRoom = room(second.id);
      await rejectsWith(store.communities.create(second, secondRoom), 'conflict');
      assert.equal(await store.communities.byId(second.id), undefined);
      assert.equal(await store.rooms.byId(secondRoom.id), undefined);
      assert.deepEqual(await store.communities.memberships('u-2'), []);
    });

    it('refuses a room of another community', async (store) => {
      await rejectsWith(store.communities.create(community(), room('elsewhere')), 'bad_request');
    });

    it('lists communities by slug, page after page', async (store) => {
      for (const slug of ['twice', 'ateez', 'newjeans', 'bts']) {
        const c = community({ slug });
        await store.communities.create(c, room(c.id));
      }
      const page1 = await store.communities.list({ limit: 3 });
      assert.deepEqual(
        page1.map((c) => c.slug),
        ['ateez', 'bts', 'newjeans'],
      );
      const page2 = await store.communities.list({ limit: 3, after: page1.at(-1)!.slug });
      assert.deepEqual(
        page2.map((c) => c.slug),
        ['twice'],
      );
      assert.deepEqual(await store.communities.list({ limit: 0 }), []);
    });

    it('sets, replaces, lists and removes memberships', async (store) => {
      const a = community({ createdAt: 1 });
      const b = community({ createdAt: 2 });
      await store.communities.create(a, room(a.id));
      await store.communities.create(b, room(b.id));
      await store.communities.setMembership({ communityId: a.id, userId: 'u9', role: 'fan', joinedAt: 10 });
      await store.communities.setMembership({
        communityId: b.id,
        userId: 'u9',
        role: 'member',
        joinedAt: 20,
      });
      await store.communities.setMembership({
        communityId: a.id,
        userId: 'u9',
        role: 'moderator',
        joinedAt: 10,
      });
      assert.deepEqual(await store.communities.memberships('u9'), [
        { communityId: a.id, userId: 'u9', role: 'moderator', joinedAt: 10 },
        { communityId: b.id, userId: 'u9', role: 'member', joinedAt: 20 },
      ]);
      await store.communities.removeMembership(a.id, 'u9');
      await store.communities.removeMembership(a.id, 'u9');
      assert.equal(await store.communities.membership(a.id, 'u9'), undefined);
      assert.equal((await store.communities.memberships('u9')).length, 1);
      await rejectsWith(
        store.communities.setMembership({ communityId: 'nope', userId: 'u9', role: 'fan', joinedAt: 1 }),
        'not_found',
      );
    });
    it('reads the memberships among many users in one call', async (store) => {
      const a = community({ createdBy: 'u-a' });
      const b = community({ createdBy: 'u-b' });
      await store.communities.create(a, room(a.id));
      await store.communities.create(b, room(b.id));
      await store.communities.setMembership({ communityId: a.id, userId: 'u1', role: 'fan', joinedAt: 1 });
      await store.communities.setMembership({
        communityId: a.id,
        userId: 'u2',
        role: 'moderator',
        joinedAt: 2,
      });
      await store.communities.setMembership({ communityId: b.id, userId: 'u3', role: 'fan', joinedAt: 3 });
      const among = await store.communities.membershipsAmong(a.id, ['u1', 'u2', 'u3', 'nobody', 'u-a']);
      assert.deepEqual(
        [...among].sort(([x], [y]) => x.localeCompare(y)),
        [
          ['u-a', { communityId: a.id, userId: 'u-a', role: 'owner', joinedAt: a.createdAt }],
          ['u1', { communityId: a.id, userId: 'u1', role: 'fan', joinedAt: 1 }],
          ['u2', { communityId: a.id, userId: 'u2', role: 'moderator', joinedAt: 2 }],
        ],
      );
      // Each answer is what the one-user read gives.
      for (const [userId, m] of among) assert.deepEqual(m, await store.communities.membership(a.id, userId));
      assert.equal((await store.communities.membershipsAmong(a.id, [])).size, 0);
      assert.equal((await store.communities.membershipsAmong('nope', ['u1'])).size, 0);
      const many = Array.from({ length: 1000 }, (_, i) => `x${i}`);
      assert.equal((await store.communities.membershipsAmong(a.id, [...many.slice(1), 'u1'])).size, 1);
      await assert.rejects(store.communities.membershipsAmong(a.id, [...many, 'u1']), RangeError);
    });

    it('lists the members of a community by user id, page after page', async (store) => {
      const c = community({ createdBy: 'u-b' });
      await store.communities.create(c, room(c.id));
      for (const userId of ['u-d', 'u-a', 'u-c']) {
        await store.communities.setMembership({ communityId: c.id, userId, role: 'fan', joinedAt: 1 });
      }
      const page1 = await store.communities.members(c.id, { limit: 3 });
      assert.deepEqual(
        page1.map((m) => [m.userId, m.role]),
        [
          ['u-a', 'fan'],
          ['u-b', 'owner'],
          ['u-c', 'fan'],
        ],
      );
      const page2 = await store.communities.members(c.id, { limit: 3, after: 'u-c' });
      assert.deepEqual(
        page2.map((m) => m.userId),
        ['u-d'],
      );
      assert.deepEqual(await store.communities.members(c.id, { limit: 0 }), []);
      assert.deepEqual(await store.communities.members('nope', { limit: 5 }), []);
    });

    it('finds members by the start of their username key, wildcards taken literally', async (store) => {
      const c = community();
      await store.communities.create(c, room(c.id));
      const people = [
        user({ name: 'Jisoo_Fan', nameKey: 'jisoo_fan' }),
        user({ name: 'jisooX', nameKey: 'jisoox' }),
        user({ name: '지수', nameKey: '지수' }),
        user({ name: 'Mina', nameKey: 'mina' }),
        user({ name: 'jisoo%', nameKey: 'jisoo%' }),
      ];
      for (const u of people) {
        await store.users.create(u);
        await store.communities.setMembership({ communityId: c.id, userId: u.id, role: 'fan', joinedAt: 1 });
      }
      // Someone named alike outside the community is not a member.
      await store.users.create(user({ name: 'jisoo_other', nameKey: 'jisoo_other' }));
      const found = async (prefix: string, opts: { limit?: number; after?: string } = {}) =>
        (await store.communities.members(c.id, { limit: 10, ...opts, nameKeyPrefix: prefix }))
          .map((m) => people.find((u) => u.id === m.userId)!.nameKey)
          .sort();
      assert.deepEqual(await found('jisoo'), ['jisoo%', 'jisoo_fan', 'jisoox']);
      assert.deepEqual(await found('jisoo_'), ['jisoo_fan'], '_ matches only itself');
      assert.deepEqual(await found('jisoo%'), ['jisoo%'], '% matches only itself');
      assert.deepEqual(await found('지'), ['지수']);
      assert.deepEqual(await found('nobody'), []);
      const first = await store.communities.members(c.id, { limit: 1, nameKeyPrefix: 'jisoo' });
      const rest = await found('jisoo', { after: first[0]!.userId });
      assert.equal(rest.length, 2, 'paged by userId like the whole list');
    });
  });

  describe('rooms', () => {
    it('creates rooms in a community and lists them oldest first', async (store) => {
      const c = community();
      const lobby = room(c.id, { createdAt: 1 });
      await store.communities.create(c, lobby);
      const live = room(c.id, { name: 'live', kind: 'live', access: 'members', epoch: 'e9', createdAt: 2 });
      await store.rooms.create(live);
      assert.deepEqual(await store.rooms.listByCommunity(c.id), [lobby, live]);
      assert.deepEqual(await store.rooms.listByCommunity('nope'), []);
      assert.equal(await store.rooms.byId('nope'), undefined);
      await rejectsWith(store.rooms.create(live), 'conflict');
      await rejectsWith(store.rooms.create(room('nope')), 'not_found');
    });

    it('finds rooms active since a time', async (store) => {
      const quiet = await seedRoom(store);
      const busy = await seedRoom(store);
      assert.deepEqual(await store.rooms.activeSince(0), []);
      await store.messages.appendBatch([draft(busy.id, { ts: 5000 })]);
      assert.deepEqual(await store.rooms.activeSince(4999), [busy]);
      assert.deepEqual(await store.rooms.activeSince(5000), []);
      assert.equal((await store.rooms.byId(quiet.id))?.id, quiet.id);
    });
  });

  describe('health', () => {
    it('answers ping, then refuses work with unavailable once closed', async (store) => {
      assert.equal(await store.ping(), true);
      await store.close();
      await store.close();
      assert.equal(await store.ping(), false);
      await rejectsWith(store.users.byId('x'), 'unavailable');
    });
  });

  messageConformance(it);
  livesConformance(it);
  moderationConformance(it);
  quotaConformance(it);
  communityListConformance(it);
}
