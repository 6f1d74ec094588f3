/**
 * Conformance cases of the creation quotas (CreationQuota): the check runs in the creating transaction with the
 * counts of what is stored, a refusal stores nothing, and creations at once are counted one after the other (in
 * PostgreSQL the creator's or community's row is held), so a burst can never pass a quota together.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/errors.ts';
import type { CreationCounts, CreationQuota, Store } from '../../src/storage/repositories.ts';
import { community, rejectsWith, room, uid, user } from './store.fixtures.ts';
import { liveOf } from './store-lives.suite.ts';

type It = (name: string, fn: (store: Store) => Promise<void>) => void;

/** A quota of `max` in all that records what it was shown. */
function atMost(max: number, since = 0, seen: CreationCounts[] = []): CreationQuota {
  return {
    since,
    check(counts) {
      seen.push(counts);
      if (counts.total >= max) throw new AppError('quota_exceeded', `at most ${max}`);
    },
  };
}

const BURST = 12;

export function quotaConformance(it: It): void {
  describe('creation quotas', () => {
    it('shows the creator’s communities: all of them, and the recent times oldest first', async (store) => {
      const owner = user();
      await store.users.create(owner);
      for (const createdAt of [1000, 3000, 2000]) {
        const c = community({ createdBy: owner.id, createdAt });
        await store.communities.create(c, room(c.id));
      }
      const other = community({ createdBy: 'u-someone-else', createdAt: 2500 });
      await store.communities.create(other, room(other.id));
      const seen: CreationCounts[] = [];
      const c = community({ createdBy: owner.id, createdAt: 4000 });
      await store.communities.create(c, room(c.id), atMost(10, 1500, seen));
      assert.deepEqual(seen, [{ total: 3, recent: [2000, 3000] }]);
    });

    it('a refused community leaves nothing behind', async (store) => {
      const owner = user();
      await store.users.create(owner);
      const first = community({ createdBy: owner.id });
      await store.communities.create(first, room(first.id), atMost(1));
      const second = community({ createdBy: owner.id });
      const secondRoom = room(second.id);
      await rejectsWith(store.communities.create(second, secondRoom, atMost(1)), 'quota_exceeded');
      assert.equal(await store.communities.byId(second.id), undefined);
      assert.equal(await store.rooms.byId(secondRoom.id), undefined);
      assert.equal(await store.communities.membership(second.id, owner.id), undefined);
    });

    it(`${BURST} communities at once against a quota of 5: exactly 5 are stored`, async (store) => {
      const owner = user();
      await store.users.create(owner);
      const results = await Promise.allSettled(
        Array.from({ length: BURST }, () => {
          const c = community({ createdBy: owner.id });
          return store.communities.create(c, room(c.id), atMost(5));
        }),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
      for (const r of results) {
        if (r.status === 'rejected') assert.equal((r.reason as AppError).code, 'quota_exceeded');
      }
      assert.equal((await store.communities.memberships(owner.id)).length, 5);
    });

    it('counts a community’s rooms without its lives’ rooms', async (store) => {
      const c = community({ createdAt: 100 });
      await store.communities.create(c, room(c.id, { createdAt: 100 }));
      const liveRoom = room(c.id, { kind: 'live', createdAt: 150 });
      await store.lives.create(liveOf(c.id, liveRoom.id), liveRoom);
      await store.rooms.create(room(c.id, { createdAt: 200 }));
      const seen: CreationCounts[] = [];
      await store.rooms.create(room(c.id, { createdAt: 300 }), atMost(10, 150, seen));
      assert.deepEqual(seen, [{ total: 2, recent: [200] }]);
    });

    it(`${BURST} rooms at once against a quota of 5 rooms: the community room and 4 more`, async (store) => {
      const c = community();
      await store.communities.create(c, room(c.id));
      const made = Array.from({ length: BURST }, () => room(c.id, { id: uid('r') }));
      const results = await Promise.allSettled(made.map((r) => store.rooms.create(r, atMost(5))));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 4);
      assert.equal((await store.rooms.listByCommunity(c.id)).length, 5);
      await rejectsWith(store.rooms.create(room('no-such-community'), atMost(5)), 'not_found');
    });
  });
}
