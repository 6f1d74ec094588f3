/**
 * Conformance cases of the moderation repositories (migration 0004): room modes, pins, deletions (and fan pages
 * without them), sanctions, reports, the audit log written with every change, filter settings, creator and
 * official flags, and message annotations round-tripping through the archive.
 */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditRecord, ReportRecord, Store } from '../../src/storage/repositories.ts';
import { community, draft, room, seedRoom, uid, user } from './store.fixtures.ts';

type It = (name: string, fn: (store: Store) => Promise<void>) => void;

const actor = { id: 'u-mod', name: 'mod' };
const audit = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  id: uid('audit'),
  communityId: null,
  room: null,
  actor,
  action: 'mode.set',
  targetUserId: null,
  targetMessageId: null,
  details: { n: 1 },
  at: 1_700_000_000_000,
  ...over,
});

async function seedCommunity(store: Store) {
  const c = community();
  const r = room(c.id);
  await store.communities.create(c, r);
  return { c, r };
}

function report(communityId: string, roomId: string, over: Partial<ReportRecord> = {}): ReportRecord {
  return {
    id: uid('rep'),
    communityId,
    room: roomId,
    kind: 'user',
    status: 'open',
    message: {
      id: uid('m'),
      cid: 'c',
      user: { id: 'u-bad', name: 'bad', displayName: 'Bad' },
      role: 'fan',
      text: 'x',
      ts: 1,
    },
    reporter: { id: uid('u'), name: 'fan' },
    reason: 'spam',
    createdAt: 1_700_000_000_000,
    resolvedBy: null,
    resolvedAt: null,
    note: '',
    ...over,
  };
}

export function moderationConformance(it: It): void {
  describe('moderation: room modes, pins, deletions', () => {
    it('stores a room mode with its audit entry, and replaces it', async (store) => {
      const { c, r } = await seedCommunity(store);
      assert.equal(await store.moderation.roomMode(r.id), undefined);
      const mode = {
        room: r.id,
        slowSeconds: 30,
        membersOnly: true,
        emoteOnly: false,
        uniqueChat: true,
        fanDelayMs: 2000,
        updatedBy: 'u-mod',
        updatedAt: 5,
      };
      await store.moderation.setRoomMode(mode, audit({ communityId: c.id, room: r.id }));
      assert.deepEqual(await store.moderation.roomMode(r.id), mode);
      await store.moderation.setRoomMode(
        { ...mode, slowSeconds: 0, updatedAt: 6 },
        audit({ communityId: c.id }),
      );
      assert.equal((await store.moderation.roomMode(r.id))?.slowSeconds, 0);
      assert.equal((await store.audit.list(c.id, { limit: 10 })).length, 2);
    });

    it('pins, replaces and clears a pin; clearing nothing writes no audit entry', async (store) => {
      const { c, r } = await seedCommunity(store);
      const [m] = await store.messages.appendBatch([draft(r.id, { text: 'pin me' })]);
      await store.moderation.setPin(
        { room: r.id, message: m!.message, pinnedBy: actor, pinnedAt: 9 },
        audit({ communityId: c.id, action: 'pin.set' }),
      );
      assert.deepEqual(await store.moderation.pin(r.id), {
        room: r.id,
        message: m!.message,
        pinnedBy: actor,
        pinnedAt: 9,
      });
      assert.equal(
        await store.moderation.clearPin(r.id, audit({ communityId: c.id, action: 'pin.clear' })),
        true,
      );
      assert.equal(await store.moderation.pin(r.id), undefined);
      assert.equal(
        await store.moderation.clearPin(r.id, audit({ communityId: c.id, action: 'pin.clear' })),
        false,
      );
      assert.deepEqual(
        (await store.audit.list(c.id, { limit: 10 })).map((a) => a.action),
        ['pin.clear', 'pin.set'],
      );
    });

    it('deletes a message once; fan pages leave it out, full pages keep it', async (store) => {
      const { c, r } = await seedCommunity(store);
      const rows = await store.messages.appendBatch([
        draft(r.id, { text: 'a' }),
        draft(r.id, { text: 'b' }),
        draft(r.id, { text: 'c' }),
      ]);
      const b = rows[1]!.message;
      const d = { messageId: b.id, room: r.id, by: actor, at: 7 };
      assert.equal(
        await store.moderation.deleteMessage(d, audit({ communityId: c.id, action: 'message.delete' })),
        true,
      );
      assert.equal(
        await store.moderation.deleteMessage(d, audit({ communityId: c.id, action: 'message.delete' })),
        false,
      );
      assert.deepEqual(await store.moderation.deletions([b.id, 'unknown', b.id]), [d]);
      const text = (page: { message: { text: string } }[]) => page.map((a) => a.message.text);
      assert.deepEqual(text(await store.messages.pageBefore(r.id, null, 10, { hideDeleted: true })), [
        'a',
        'c',
      ]);
      assert.deepEqual(text(await store.messages.pageAfter(r.id, 0, 10, { hideDeleted: true })), ['a', 'c']);
      assert.deepEqual(text(await store.messages.pageBefore(r.id, null, 10)), ['a', 'b', 'c']);
      assert.deepEqual(await store.messages.byId(r.id, b.id), b);
      assert.equal(await store.messages.byId('other-room', b.id), undefined);
      assert.equal((await store.audit.list(c.id, { limit: 10 })).length, 1);
    });

    it('keeps a message’s language, mentions and links through the archive', async (store) => {
      const r = await seedRoom(store);
      const mentions = [{ start: 0, end: 5, name: 'mina', userId: 'u-1' }];
      const links = [{ start: 6, end: 25, url: 'https://example.com/' }];
      const [m] = await store.messages.appendBatch([
        draft(r.id, { text: '@mina https://example.com', lang: 'en', mentions, links }),
      ]);
      const [plain] = await store.messages.appendBatch([draft(r.id, { text: 'no annotations' })]);
      assert.deepEqual(await store.messages.byId(r.id, m!.message.id), m!.message);
      assert.deepEqual((await store.messages.byId(r.id, m!.message.id))?.mentions, mentions);
      const back = await store.messages.byId(r.id, plain!.message.id);
      assert.ok(back && !('lang' in back) && !('mentions' in back) && !('links' in back));
    });

    it('sets a role with its audit entry', async (store) => {
      const { c } = await seedCommunity(store);
      await store.moderation.setRole(
        { communityId: c.id, userId: 'u-9', role: 'moderator', joinedAt: 3 },
        audit({ communityId: c.id, action: 'role.set' }),
      );
      assert.equal((await store.communities.membership(c.id, 'u-9'))?.role, 'moderator');
      assert.equal((await store.audit.list(c.id, { limit: 5 }))[0]?.action, 'role.set');
    });
  });

  describe('moderation: sanctions', () => {
    it('sets, replaces, lists in force and lifts bans and timeouts', async (store) => {
      const { c } = await seedCommunity(store);
      const base = { communityId: c.id, reason: 'spam', by: actor, at: 100 };
      await store.sanctions.set(
        { ...base, userId: 'u-a', kind: 'timeout', until: 1000 },
        audit({ communityId: c.id }),
      );
      await store.sanctions.set(
        { ...base, userId: 'u-a', kind: 'timeout', until: 2000 },
        audit({ communityId: c.id }),
      );
      await store.sanctions.set(
        { ...base, userId: 'u-b', kind: 'ban', until: null },
        audit({ communityId: c.id }),
      );
      await store.sanctions.set(
        { ...base, userId: 'u-c', kind: 'timeout', until: 500 },
        audit({ communityId: c.id }),
      );
      assert.deepEqual(await store.sanctions.of(c.id, 'u-a'), [
        { ...base, userId: 'u-a', kind: 'timeout', until: 2000 },
      ]);
      const inForce = await store.sanctions.list(c.id, { now: 600, limit: 10 });
      assert.deepEqual(
        inForce.map((s) => `${s.userId}:${s.kind}`),
        ['u-a:timeout', 'u-b:ban'],
      );
      assert.deepEqual(
        (await store.sanctions.list(c.id, { now: 600, limit: 10, kind: 'ban' })).map((s) => s.userId),
        ['u-b'],
      );
      assert.deepEqual(
        (await store.sanctions.list(c.id, { now: 600, limit: 1, after: 'u-a' })).map((s) => s.userId),
        ['u-b'],
      );
      assert.equal(await store.sanctions.lift(c.id, 'u-b', 'ban', audit({ communityId: c.id })), true);
      assert.equal(await store.sanctions.lift(c.id, 'u-b', 'ban', audit({ communityId: c.id })), false);
      assert.deepEqual(await store.sanctions.of(c.id, 'u-b'), []);
      assert.equal((await store.audit.list(c.id, { limit: 20 })).length, 5);
    });
    it('reads the sanctions of many users in one call, by user, in the order one read gives', async (store) => {
      const { c } = await seedCommunity(store);
      const other = await seedCommunity(store);
      const base = { communityId: c.id, reason: 'spam', by: actor, at: 100 };
      const set = (userId: string, kind: 'ban' | 'timeout', until: number | null, communityId = c.id) =>
        store.sanctions.set({ ...base, communityId, userId, kind, until }, audit({ communityId }));
      await set('u-a', 'timeout', 2000);
      await set('u-a', 'ban', null);
      await set('u-b', 'timeout', 500);
      await set('u-c', 'ban', null, other.c.id);
      const among = await store.sanctions.among(c.id, ['u-a', 'u-b', 'u-c', 'u-none']);
      assert.deepEqual([...among.keys()].sort(), ['u-a', 'u-b']);
      for (const userId of ['u-a', 'u-b']) {
        assert.deepEqual(among.get(userId), await store.sanctions.of(c.id, userId));
      }
      assert.equal(among.get('u-a')?.length, 2);
      assert.equal((await store.sanctions.among(c.id, [])).size, 0);
      const many = Array.from({ length: 1001 }, (_, i) => `x${i}`);
      await assert.rejects(store.sanctions.among(c.id, many), RangeError);
    });
  });

  describe('moderation: reports and audit', () => {
    it('stores a report once per reporter and message, lists the queue and settles it once', async (store) => {
      const { c, r } = await seedCommunity(store);
      const first = report(c.id, r.id);
      assert.deepEqual(await store.reports.create(first), { report: first, created: true });
      const again = await store.reports.create({ ...first, id: uid('rep'), reason: 'again' });
      assert.deepEqual(again, { report: first, created: false });
      const held = report(c.id, r.id, { kind: 'held', reporter: null, reason: 'filter: x' });
      const held2 = report(c.id, r.id, { kind: 'held', reporter: null, reason: 'filter: y' });
      await store.reports.create(held);
      await store.reports.create(held2);
      assert.deepEqual(
        (await store.reports.list(c.id, { limit: 10 })).map((x) => x.id),
        [first.id, held.id, held2.id],
      );
      assert.deepEqual(
        (await store.reports.list(c.id, { limit: 10, after: first.id })).map((x) => x.id),
        [held.id, held2.id],
      );
      const settled = await store.reports.resolve(
        held.id,
        { status: 'rejected', by: actor, at: 50, note: 'no' },
        audit({ communityId: c.id, action: 'report.resolve' }),
      );
      assert.equal(settled?.status, 'rejected');
      assert.deepEqual(settled?.resolvedBy, actor);
      assert.equal(
        await store.reports.resolve(
          held.id,
          { status: 'approved', by: actor, at: 51, note: '' },
          audit({ communityId: c.id }),
        ),
        undefined,
      );
      assert.deepEqual(
        (await store.reports.list(c.id, { limit: 10, status: 'open' })).map((x) => x.id),
        [first.id, held2.id],
      );
      assert.deepEqual(await store.reports.byId(first.id), first);
      assert.equal((await store.audit.list(c.id, { limit: 10 })).length, 1);
    });

    it('pages the audit log newest first, per community and for the platform', async (store) => {
      const { c } = await seedCommunity(store);
      const entries = [1, 2, 3].map((n) => audit({ communityId: c.id, details: { n } }));
      for (const e of entries) await store.audit.append(e);
      await store.audit.append(audit({ action: 'user.creator', targetUserId: 'u-1' }));
      const page1 = await store.audit.list(c.id, { limit: 2 });
      assert.deepEqual(
        page1.map((a) => a.details.n),
        [3, 2],
      );
      const page2 = await store.audit.list(c.id, { limit: 2, before: page1[1]!.id });
      assert.deepEqual(page2, [entries[0]]);
      assert.deepEqual(
        (await store.audit.list(null, { limit: 5 })).map((a) => a.action),
        ['user.creator'],
      );
    });
  });

  describe('moderation: filters and platform flags', () => {
    it('stores filter settings with an audit entry and replaces them', async (store) => {
      const { c } = await seedCommunity(store);
      assert.equal(await store.filters.get(c.id), undefined);
      const s = {
        communityId: c.id,
        builtin: 'block' as const,
        terms: [{ term: '스포', action: 'hold' as const, match: 'anywhere' as const }],
        allow: ['스포츠'],
        updatedAt: 4,
      };
      await store.filters.set(s, audit({ communityId: c.id, action: 'filter.set' }));
      assert.deepEqual(await store.filters.get(c.id), s);
      await store.filters.set(
        { ...s, builtin: 'off', terms: [], updatedAt: 5 },
        audit({ communityId: c.id, action: 'filter.set' }),
      );
      assert.equal((await store.filters.get(c.id))?.builtin, 'off');
    });

    it('grants the creator flag and the official mark; fan-made is stored', async (store) => {
      const u = user();
      await store.users.create(u);
      await store.users.setCreator(u.id, true);
      assert.equal((await store.users.byId(u.id))?.creator, true);
      await assert.rejects(store.users.setCreator('nobody', true), { code: 'not_found' });
      const c = community({ fanMade: true });
      await store.communities.create(c, room(c.id));
      assert.deepEqual(await store.communities.byId(c.id), c);
      await store.communities.setOfficial(c.id, true);
      assert.equal((await store.communities.byId(c.id))?.official, true);
      await assert.rejects(store.communities.setOfficial('nobody', true), { code: 'not_found' });
    });
  });
}
