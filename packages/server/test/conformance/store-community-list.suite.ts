/**
 * Conformance cases of what the community list reads (issue 9 part 4): each community's member count and lives
 * on air (`CommunitiesRepo.counts`, one grouped query for a page), and the search by name or slug in any
 * letter case (`list({ search })`), the same in SQLite and PostgreSQL.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/storage/repositories.ts';
import { community, room } from './store.fixtures.ts';
import { liveOf } from './store-lives.suite.ts';

type It = (name: string, fn: (store: Store) => Promise<void>) => void;

async function made(store: Store, over: Parameters<typeof community>[0] = {}) {
  const c = community(over);
  await store.communities.create(c, room(c.id));
  return c;
}

const join = (store: Store, communityId: string, userId: string) =>
  store.communities.setMembership({ communityId, userId, role: 'fan', joinedAt: 1 });

/** A live of the community in `state` (with its own room), as the live service stores it. */
async function liveIn(store: Store, communityId: string, state: 'scheduled' | 'live') {
  const r = room(communityId, { kind: 'live' });
  const live = liveOf(communityId, r.id, { state });
  await store.lives.create(live, r);
  return live;
}

const slugs = async (store: Store, search: string) =>
  (await store.communities.list({ limit: 50, search })).map((c) => c.slug);

export function communityListConformance(it: It): void {
  describe('community list: counts and search', () => {
    it('counts members after joins and leaves, and lives while on air or reconnecting', async (store) => {
      const a = await made(store, { createdBy: 'u-owner-a' });
      const b = await made(store, { createdBy: 'u-owner-b' });
      const quiet = await made(store, { createdBy: 'u-owner-q' });
      const counts = async () => {
        const m = await store.communities.counts([a.id, b.id, quiet.id, 'no-such-community']);
        return Object.fromEntries([...m].map(([id, c]) => [id, [c.members, c.live]]));
      };
      // The creator is the first member.
      assert.deepEqual(await counts(), {
        [a.id]: [1, 0],
        [b.id]: [1, 0],
        [quiet.id]: [1, 0],
        'no-such-community': [0, 0],
      });

      for (const u of ['u-1', 'u-2', 'u-3']) await join(store, a.id, u);
      await join(store, b.id, 'u-1');
      // A role change replaces the membership: still one person.
      await store.communities.setMembership({
        communityId: a.id,
        userId: 'u-1',
        role: 'moderator',
        joinedAt: 1,
      });
      await store.communities.removeMembership(a.id, 'u-2');
      await store.communities.removeMembership(a.id, 'u-never-joined');

      // Scheduled lives are not on air; live and reconnecting are; ended ones no longer.
      await liveIn(store, a.id, 'scheduled');
      const onAir = await liveIn(store, a.id, 'live');
      const dropped = await liveIn(store, a.id, 'live');
      const other = await liveIn(store, b.id, 'live');
      const reconnecting = await store.lives.update(dropped.id, dropped.version, {
        state: 'reconnecting',
        graceUntil: 5,
      });
      assert.equal(reconnecting?.state, 'reconnecting');
      assert.deepEqual(await counts(), {
        [a.id]: [3, 2],
        [b.id]: [2, 1],
        [quiet.id]: [1, 0],
        'no-such-community': [0, 0],
      });

      await store.lives.update(onAir.id, onAir.version, { state: 'ended', endedAt: 9 });
      await store.lives.update(other.id, other.version, { state: 'ended', endedAt: 9 });
      await store.communities.removeMembership(b.id, 'u-1');
      assert.deepEqual(await counts(), {
        [a.id]: [3, 1],
        [b.id]: [1, 0],
        [quiet.id]: [1, 0],
        'no-such-community': [0, 0],
      });
    });

    it('counts nothing for no ids, and each id once when asked twice', async (store) => {
      assert.equal((await store.communities.counts([])).size, 0);
      const c = await made(store);
      await join(store, c.id, 'u-9');
      assert.deepEqual(
        [...(await store.communities.counts([c.id, c.id]))],
        [[c.id, { members: 2, live: 0 }]],
      );
    });

    it('finds communities by name or slug in any letter case, paged by slug', async (store) => {
      await made(store, { slug: 'stray-kids', name: 'Stray Kids 스트레이 키즈' });
      await made(store, { slug: 'skz-jp', name: 'ＳＫＺ Japan' }); // full-width letters: NFKC makes them skz
      await made(store, { slug: 'ive', name: 'IVE 아이브' });
      await made(store, { slug: 'ecole', name: 'ÉCOLE des fans' });
      await made(store, { slug: 'pct', name: '100% Fan_Club' });
      assert.deepEqual(await slugs(store, 'STRAY'), ['stray-kids']);
      assert.deepEqual(await slugs(store, 'skz japan'), ['skz-jp']);
      assert.deepEqual(await slugs(store, 'ｊａｐａｎ'), ['skz-jp']);
      assert.deepEqual(await slugs(store, '  kids  '), ['stray-kids']);
      assert.deepEqual(await slugs(store, '스트레이'), ['stray-kids']);
      assert.deepEqual(await slugs(store, '아이브'), ['ive']);
      // Beyond ASCII, letter case is folded too (SQLite's lower() would not).
      assert.deepEqual(await slugs(store, 'école'), ['ecole']);
      // By slug: "-" and digits.
      assert.deepEqual(await slugs(store, 'y-k'), ['stray-kids']);
      // LIKE's wildcards are taken literally.
      assert.deepEqual(await slugs(store, '%'), ['pct']);
      assert.deepEqual(await slugs(store, 'n_c'), ['pct']);
      assert.deepEqual(await slugs(store, 'y_k'), []);
      assert.deepEqual(await slugs(store, 'nobody'), []);
      // Blank finds all.
      assert.equal((await slugs(store, '   ')).length, 5);
      // Pages by slug with the search kept: "a" is in every name but IVE's.
      const page = (after?: string) =>
        store.communities.list({ limit: 2, search: 'A', ...(after ? { after } : {}) });
      const page1 = await page();
      assert.deepEqual(
        page1.map((c) => c.slug),
        ['ecole', 'pct'],
      );
      const page2 = await page(page1.at(-1)!.slug);
      assert.deepEqual(
        page2.map((c) => c.slug),
        ['skz-jp', 'stray-kids'],
      );
      assert.deepEqual(await page(page2.at(-1)!.slug), []);
    });
  });
}
