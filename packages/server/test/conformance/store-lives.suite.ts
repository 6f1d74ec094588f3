/** Conformance cases of LivesRepo and LocalChannelsRepo: one transaction with the room, compare-and-set, replays. */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveRecord, LocalChannelRecord } from '../../src/storage/lives-repositories.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { community, rejectsWith, room, uid } from './store.fixtures.ts';

type It = (name: string, fn: (store: Store) => Promise<void>) => void;

export function liveOf(communityId: string, roomId: string, over: Partial<LiveRecord> = {}): LiveRecord {
  return {
    id: uid('live'),
    communityId,
    roomId,
    title: '컴백 라이브',
    access: 'members',
    provider: 'local',
    channelId: uid('ch'),
    channelMeta: { playbackId: 'p-1' },
    state: 'scheduled',
    scheduledAt: 1_700_000_100_000,
    startedAt: null,
    endedAt: null,
    createdBy: 'u-owner',
    createdAt: 1_700_000_000_000 + Number(uid('t').slice(2)),
    eventAt: 0,
    graceUntil: null,
    version: 0,
    ...over,
  };
}

/** A community, and a live with its own new room. */
async function seedLive(store: Store, over: Partial<LiveRecord> = {}) {
  const c = community();
  await store.communities.create(c, room(c.id));
  const r = room(c.id, { kind: 'live', access: 'members' });
  const live = liveOf(c.id, r.id, over);
  await store.lives.create(live, r);
  return { live, room: r, communityId: c.id };
}

const channel = (over: Partial<LocalChannelRecord> = {}): LocalChannelRecord => ({
  id: uid('lc'),
  streamKey: uid('key'),
  secret: 'c2VjcmV0',
  createdAt: 1_700_000_000_000,
  revokedAt: null,
  seenAt: null,
  ...over,
});

export function livesConformance(it: It): void {
  describe('lives', () => {
    it('stores a live with its room in one transaction and finds it by id and channel', async (store) => {
      const { live, room: r } = await seedLive(store);
      assert.deepEqual(await store.lives.byId(live.id), live);
      assert.deepEqual(await store.lives.byChannel('local', live.channelId), live);
      assert.equal(await store.lives.byChannel('mux', live.channelId), undefined);
      assert.equal((await store.rooms.byId(r.id))?.kind, 'live');
    });

    it('refuses an unknown community and keeps no room behind', async (store) => {
      const r = room('no-such-community', { kind: 'live' });
      await rejectsWith(store.lives.create(liveOf('no-such-community', r.id), r), 'not_found');
      assert.equal(await store.rooms.byId(r.id), undefined);
    });

    it('refuses a second live on the same provider channel, and keeps no room of it', async (store) => {
      const { live, communityId } = await seedLive(store);
      const r = room(communityId, { kind: 'live' });
      await rejectsWith(
        store.lives.create(liveOf(communityId, r.id, { channelId: live.channelId }), r),
        'conflict',
      );
      assert.equal(await store.rooms.byId(r.id), undefined);
    });

    it('lists a community’s lives newest first, bounded', async (store) => {
      const { live, communityId } = await seedLive(store);
      const r2 = room(communityId, { kind: 'live' });
      const newer = liveOf(communityId, r2.id, { createdAt: live.createdAt + 10 });
      await store.lives.create(newer, r2);
      assert.deepEqual(
        (await store.lives.listByCommunity(communityId, 10)).map((l) => l.id),
        [newer.id, live.id],
      );
      assert.equal((await store.lives.listByCommunity(communityId, 1)).length, 1);
      assert.deepEqual(await store.lives.listByCommunity(communityId, 0), []);
    });

    it('updates compare-and-set on the version: a stale version changes nothing', async (store) => {
      const { live } = await seedLive(store);
      const next = await store.lives.update(live.id, 0, {
        state: 'live',
        startedAt: 5,
        eventAt: 5,
        channelMeta: { playbackId: 'p-2' },
      });
      assert.equal(next?.version, 1);
      assert.equal(next?.state, 'live');
      assert.deepEqual(next?.channelMeta, { playbackId: 'p-2' });
      assert.equal(await store.lives.update(live.id, 0, { state: 'ended' }), undefined);
      assert.equal((await store.lives.byId(live.id))?.state, 'live');
      assert.equal(await store.lives.update('nope', 0, { state: 'ended' }), undefined);
      const cleared = await store.lives.update(live.id, 1, { state: 'reconnecting', graceUntil: 9 });
      assert.equal(cleared?.graceUntil, 9);
      assert.equal((await store.lives.update(live.id, 2, { graceUntil: null }))?.graceUntil, null);
    });

    it('lists unended lives, the least recently changed first', async (store) => {
      const a = await seedLive(store, { eventAt: 30 });
      const b = await seedLive(store, { eventAt: 10, state: 'live' });
      await seedLive(store, { state: 'ended' });
      const ids = (await store.lives.unended(1000)).map((l) => l.id);
      assert.ok(ids.indexOf(b.live.id) < ids.indexOf(a.live.id));
      assert.ok((await store.lives.unended(1000)).every((l) => l.state !== 'ended'));
    });

    it('remembers an event id once: a replay is told apart, and old ids are forgotten', async (store) => {
      const id = uid('evt');
      assert.equal(await store.lives.knowsEvent('mux', id), false);
      const both = await Promise.all([
        store.lives.rememberEvent('mux', id, 100),
        store.lives.rememberEvent('mux', id, 100),
      ]);
      assert.deepEqual(both.sort(), [false, true]);
      assert.equal(await store.lives.knowsEvent('mux', id), true);
      assert.equal(await store.lives.knowsEvent('ivs', id), false, 'per provider');
      assert.equal(await store.lives.rememberEvent('ivs', id, 200), true);
      assert.ok((await store.lives.forgetEvents(150)) >= 1);
      assert.equal(await store.lives.knowsEvent('mux', id), false);
      assert.equal(await store.lives.knowsEvent('ivs', id), true);
    });
  });

  describe('local channels', () => {
    it('finds a channel by its unrevoked key only, exactly', async (store) => {
      const c = channel();
      await store.localChannels.create(c);
      assert.deepEqual(await store.localChannels.byId(c.id), c);
      assert.deepEqual(await store.localChannels.byStreamKey(c.streamKey!), c);
      assert.equal(await store.localChannels.byStreamKey(c.streamKey!.toUpperCase()), undefined);
      await rejectsWith(store.localChannels.create(channel({ streamKey: c.streamKey })), 'conflict');
    });

    it('rotates a key (the old one stops), revokes once, deletes idempotently', async (store) => {
      const c = channel();
      await store.localChannels.create(c);
      assert.equal(await store.localChannels.setKey(c.id, 'k-new'), true);
      assert.equal(await store.localChannels.byStreamKey(c.streamKey!), undefined);
      assert.equal((await store.localChannels.byStreamKey('k-new'))?.id, c.id);
      await store.localChannels.revoke(c.id, 50);
      await store.localChannels.revoke(c.id, 60);
      const revoked = await store.localChannels.byId(c.id);
      assert.deepEqual([revoked?.streamKey, revoked?.revokedAt], [null, 50]);
      assert.equal(await store.localChannels.byStreamKey('k-new'), undefined);
      assert.equal(
        await store.localChannels.setKey(c.id, 'k-again'),
        false,
        'a revoked channel stays revoked',
      );
      assert.equal(await store.localChannels.setKey('nope', 'k'), false);
      await store.localChannels.delete(c.id);
      await store.localChannels.delete(c.id);
      assert.equal(await store.localChannels.byId(c.id), undefined);
    });

    it('records heartbeats of running publishes and clears them', async (store) => {
      const a = channel();
      const b = channel();
      await store.localChannels.create(a);
      await store.localChannels.create(b);
      await store.localChannels.heartbeat([a.id, b.id], 77);
      await store.localChannels.heartbeat([], 88);
      const seen = await store.localChannels.byIds([a.id, b.id, 'nope']);
      assert.deepEqual(
        seen.map((c) => c.seenAt),
        [77, 77],
      );
      await store.localChannels.idle(a.id);
      assert.equal((await store.localChannels.byId(a.id))?.seenAt, null);
      assert.deepEqual(await store.localChannels.byIds([]), []);
    });
  });
}
