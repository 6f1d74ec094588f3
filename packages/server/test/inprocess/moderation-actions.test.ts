/**
 * Moderation actions through the real server: deletion (gone from fan history, kept for moderators with who and
 * when), pins, reports and the review queue (a held message approved is published), the word filter on send
 * (mask, hold, block), the audit log of it all, message annotations, and official or fan-made communities.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  AckFrame,
  AuditPage,
  ChatMessage,
  CommunityView,
  ErrorFrame,
  MessagePage,
  PinnedView,
  ReportView,
  ReportsPage,
  UserView,
} from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { loginAdmin, registerUser } from '../support/api.ts';
import { moderationWorld, outcome, type ModerationWorld } from '../support/moderation-world.ts';

describe('moderation actions', () => {
  let app: InProcess;
  let w: ModerationWorld;
  const c = () => `/api/communities/${w.communityId}`;
  const history = async (who = w.people.fan, room = w.lobby.id) =>
    (await w.call<MessagePage>(who, 'GET', `/api/rooms/${room}/messages?limit=200`)).body.messages;
  const ack = async (who = w.writers[0]!, text = 'a message', room = w.lobby.id) => {
    const f = await w.send(who, room, text);
    assert.equal(f.t, 'ack', JSON.stringify(f));
    return f as AckFrame;
  };

  before(async () => {
    app = await startLightstick();
    w = await moderationWorld(app);
  });
  after(async () => {
    w.closeClients();
    await app.stop();
  });

  test('a deleted message leaves fan history and translation, and stays for moderators with who and when', async () => {
    const keep = await ack(w.writers[0], 'keep me');
    const gone = await ack(w.writers[1], 'delete me');
    const del = await w.call<{ mid: string; deletedBy: { id: string } }>(
      w.people.moderator,
      'DELETE',
      `/api/rooms/${w.lobby.id}/messages/${gone.mid}`,
    );
    assert.equal(del.status, 200);
    assert.equal(del.body.deletedBy.id, w.people.moderator.id);
    const fanView = await history();
    assert.ok(fanView.some((m) => m.id === keep.mid));
    assert.ok(!fanView.some((m) => m.id === gone.mid));
    const modView = await history(w.people.moderator);
    const marked = modView.find((m) => m.id === gone.mid);
    assert.deepEqual(marked?.deleted?.by, { id: w.people.moderator.id, name: w.people.moderator.name });
    assert.ok(typeof marked?.deleted?.at === 'number');
    // Deleting again answers the same deletion; fans cannot translate, report or pin it.
    const again = await w.call<{ deletedBy: { id: string } }>(
      w.people.owner,
      'DELETE',
      `/api/rooms/${w.lobby.id}/messages/${gone.mid}`,
    );
    assert.equal(again.body.deletedBy.id, w.people.moderator.id);
    assert.equal(
      outcome(
        await w.call(
          w.people.fan,
          'GET',
          `/api/rooms/${w.lobby.id}/messages/${gone.mid}/translation?lang=en`,
        ),
      ),
      'not_found',
    );
    assert.equal(
      outcome(
        await w.call(w.people.fan, 'POST', `/api/rooms/${w.lobby.id}/reports`, {
          mid: gone.mid,
          reason: 'x',
        }),
      ),
      'not_found',
    );
    assert.equal(
      outcome(await w.call(w.people.owner, 'PUT', `/api/rooms/${w.lobby.id}/pin`, { mid: gone.mid })),
      'not_found',
    );
    assert.equal(
      outcome(await w.call(w.people.owner, 'DELETE', `/api/rooms/${w.lobby.id}/messages/unknown`)),
      'not_found',
    );
    // A moderator does not delete a staff message; the owner does.
    const staff = await ack(w.people.artist, 'artist talking');
    assert.equal(
      outcome(await w.call(w.people.moderator, 'DELETE', `/api/rooms/${w.lobby.id}/messages/${staff.mid}`)),
      'forbidden',
    );
    assert.equal(
      outcome(await w.call(w.people.owner, 'DELETE', `/api/rooms/${w.lobby.id}/messages/${staff.mid}`)),
      'ok',
    );
  });

  test('pin, replace and unpin; a pinned message deleted later shows as none', async () => {
    const a = await ack(w.writers[2], 'pin a');
    const b = await ack(w.writers[3], 'pin b');
    const pin = (mid: string | null) =>
      w.call<PinnedView>(w.people.moderator, 'PUT', `/api/rooms/${w.lobby.id}/pin`, { mid });
    assert.equal((await pin(a.mid)).body.message?.text, 'pin a');
    assert.equal((await pin(b.mid)).body.message?.id, b.mid);
    const seen = await w.call<PinnedView>(w.people.fan, 'GET', `/api/rooms/${w.lobby.id}/pin`);
    assert.equal(seen.body.message?.text, 'pin b');
    assert.equal(seen.body.pinnedBy?.id, w.people.moderator.id);
    await w.call(w.people.moderator, 'DELETE', `/api/rooms/${w.lobby.id}/messages/${b.mid}`);
    assert.equal(
      (await w.call<PinnedView>(w.people.fan, 'GET', `/api/rooms/${w.lobby.id}/pin`)).body.message,
      null,
    );
    await pin(a.mid);
    assert.deepEqual((await pin(null)).body, {
      room: w.lobby.id,
      message: null,
      pinnedBy: null,
      pinnedAt: null,
    });
    assert.equal(outcome(await pin('no-such-message')), 'not_found');
  });

  test('reports: once per person and message, a queue oldest first, settled once', async () => {
    const m = await ack(w.writers[4], 'reported line');
    const body = { mid: m.mid, reason: 'harassment' };
    const first = await w.call<ReportView>(w.people.fan, 'POST', `/api/rooms/${w.lobby.id}/reports`, body);
    assert.equal(first.status, 201);
    assert.equal(first.body.message.text, 'reported line');
    const again = await w.call<ReportView>(w.people.fan, 'POST', `/api/rooms/${w.lobby.id}/reports`, body);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal(
      outcome(await w.call(w.writers[4]!, 'POST', `/api/rooms/${w.lobby.id}/reports`, body)),
      'forbidden',
    );
    assert.equal(
      outcome(
        await w.call(w.people.fan, 'POST', `/api/rooms/${w.lobby.id}/reports`, { mid: m.mid, reason: ' ' }),
      ),
      'validation_failed',
    );
    const queue = await w.call<ReportsPage>(w.people.moderator, 'GET', `${c()}/reports?status=open`);
    assert.ok(queue.body.reports.some((r) => r.id === first.body.id));
    const settle = (status: string) =>
      w.call<ReportView>(w.people.moderator, 'PUT', `${c()}/reports/${first.body.id}`, {
        status,
        note: 'warned',
      });
    assert.equal(outcome(await settle('approved')), 'validation_failed');
    const done = await settle('resolved');
    assert.equal(done.body.status, 'resolved');
    assert.equal(done.body.resolvedBy?.id, w.people.moderator.id);
    assert.equal(outcome(await settle('dismissed')), 'conflict');
  });

  test('reports are rate-limited per person', async () => {
    const reporter = w.people.member;
    const codes: string[] = [];
    for (let i = 0; i < 11; i++) {
      const m = await ack(w.writers[i % w.writers.length], `spam ${i}`);
      codes.push(
        outcome(
          await w.call(reporter, 'POST', `/api/rooms/${w.lobby.id}/reports`, { mid: m.mid, reason: 'spam' }),
        ),
      );
    }
    assert.deepEqual(codes.slice(0, 10), Array(10).fill('ok'));
    assert.equal(codes[10], 'rate_limited');
  });

  test('the word filter masks, holds for review (approval publishes it) and blocks', async () => {
    const room = await w.addRoom();
    const put = await w.call(w.people.owner, 'PUT', `${c()}/filter`, {
      builtin: 'mask',
      terms: [
        { term: '스포', action: 'hold' },
        { term: 'leaked', action: 'block' },
      ],
      allow: ['스포츠'],
    });
    assert.equal(put.status, 200);
    const fan = w.writers[5]!;
    const masked = await ack(fan, 'what the fuuuck 💜', room.id);
    const stored = (await history(w.people.owner, room.id)).find((m) => m.id === masked.mid);
    assert.equal(stored?.text, 'what the ****** 💜');
    assert.equal(outcome(await w.send(fan, room.id, '스포츠 좋아')), 'ok');
    const blocked = (await w.send(fan, room.id, 'the album LEAKED already')) as ErrorFrame;
    assert.equal(blocked.code, 'filtered');
    const held = (await w.send(fan, room.id, '스 포 있어요')) as ErrorFrame;
    assert.equal(held.code, 'filtered');
    assert.match(held.message, /held/);
    // Staff are not filtered.
    assert.equal(outcome(await w.send(w.people.moderator, room.id, 'leaked photos are not ok')), 'ok');
    const queue = await w.call<ReportsPage>(w.people.moderator, 'GET', `${c()}/reports?status=open`);
    const item = queue.body.reports.find((r) => r.kind === 'held' && r.room === room.id);
    assert.ok(item, 'the held message is in the queue');
    assert.equal(item.reporter, null);
    assert.equal(item.message.text, '스 포 있어요');
    const approved = await w.call<ReportView>(w.people.moderator, 'PUT', `${c()}/reports/${item.id}`, {
      status: 'approved',
    });
    assert.equal(approved.body.status, 'approved');
    const published = (await history(w.people.fan, room.id)).find((m) => m.id === item.message.id);
    assert.equal(published?.text, '스 포 있어요');
    assert.equal(published?.user.id, fan.id);
    // The filter check route answers without sending.
    const check = await w.call<{ action: string; text: string }>(
      w.people.owner,
      'POST',
      `${c()}/filter/check`,
      {
        text: 'ｆｕｃｋ this',
      },
    );
    assert.deepEqual([check.body.action, check.body.text], ['mask', '**** this']);
    await w.call(w.people.owner, 'PUT', `${c()}/filter`, { builtin: 'mask', terms: [], allow: [] });
  });

  test('the audit log has every action, newest first, paged', async () => {
    const page = await w.call<AuditPage>(w.people.moderator, 'GET', `${c()}/audit?limit=200`);
    const actions = new Set(page.body.entries.map((e) => e.action));
    for (const a of ['message.delete', 'pin.set', 'pin.clear', 'report.resolve', 'filter.set'] as const) {
      assert.ok(actions.has(a), `${a} in ${[...actions].join(',')}`);
    }
    const del = page.body.entries.find((e) => e.action === 'message.delete');
    assert.ok(del?.actor.id && del.targetMessageId && del.targetUserId);
    assert.equal(typeof del.details.text, 'string');
    const first = await w.call<AuditPage>(w.people.moderator, 'GET', `${c()}/audit?limit=2`);
    assert.equal(first.body.entries.length, 2);
    const second = await w.call<AuditPage>(
      w.people.moderator,
      'GET',
      `${c()}/audit?limit=2&before=${first.body.next}`,
    );
    assert.equal(second.body.entries[0]?.id, page.body.entries[2]?.id);
  });

  test('messages carry their language, resolved mentions and links', async () => {
    const named = w.writers[1]!;
    const m = await ack(
      w.writers[2],
      `@${named.name} 오늘 라이브 봤어? https://weverse.io/bts 그리고 @nobody_here`,
    );
    const stored: ChatMessage | undefined = (await history()).find((x) => x.id === m.mid);
    assert.equal(stored?.lang, 'ko');
    assert.deepEqual(
      stored?.mentions?.map((x) => [x.name, x.userId]),
      [
        [named.name, named.id],
        ['nobody_here', null],
      ],
    );
    assert.equal(stored?.links?.[0]?.url, 'https://weverse.io/bts');
    const plain = await ack(w.writers[3], 'just words');
    const p = (await history()).find((x) => x.id === plain.mid);
    assert.equal(p?.lang, 'en');
    assert.equal(p?.mentions, undefined);
    // Translating into the message's own language answers it as it is.
    const t = await w.call<{ provider: string; text: string; source: string }>(
      w.people.fan,
      'GET',
      `/api/rooms/${w.lobby.id}/messages/${m.mid}/translation?lang=ko`,
    );
    assert.deepEqual([t.body.provider, t.body.source], ['none', 'ko']);
    // No provider configured: another language is unavailable; an unknown language is refused.
    assert.equal(
      outcome(
        await w.call(w.people.fan, 'GET', `/api/rooms/${w.lobby.id}/messages/${m.mid}/translation?lang=ja`),
      ),
      'unavailable',
    );
    assert.equal(
      outcome(
        await w.call(w.people.fan, 'GET', `/api/rooms/${w.lobby.id}/messages/${m.mid}/translation?lang=xx`),
      ),
      'validation_failed',
    );
  });

  test('official communities: fan-made for anyone, official track for creators, the mark from an admin', async () => {
    const admin = await loginAdmin(app.baseUrl);
    const fan = await registerUser(app.baseUrl);
    const as = (token: string, method: string, path: string, body?: unknown) =>
      w.call({ id: '', name: '', token }, method, path, body);
    const fanMade = await as(fan.accessToken, 'POST', '/api/communities', {
      slug: `bts-official-${Date.now()}`,
      name: 'BTS Official',
    });
    assert.equal(fanMade.status, 201);
    assert.deepEqual(
      [(fanMade.body as CommunityView).fanMade, (fanMade.body as CommunityView).official],
      [true, false],
    );
    const id = (fanMade.body as CommunityView).id;
    assert.equal(
      outcome(
        await as(admin.accessToken, 'PUT', `/api/admin/communities/${id}/official`, { official: true }),
      ),
      'conflict',
    );
    assert.equal(
      outcome(await as(fan.accessToken, 'PUT', `/api/admin/users/${fan.user.id}/creator`, { creator: true })),
      'forbidden',
    );
    const granted = await as(admin.accessToken, 'PUT', `/api/admin/users/${fan.user.id}/creator`, {
      creator: true,
    });
    assert.equal((granted.body as UserView).creator, true);
    const real = await as(fan.accessToken, 'POST', '/api/communities', {
      slug: `bts-${Date.now()}`,
      name: 'BTS',
    });
    assert.deepEqual(
      [(real.body as CommunityView).fanMade, (real.body as CommunityView).official],
      [false, false],
    );
    const realId = (real.body as CommunityView).id;
    const marked = await as(admin.accessToken, 'PUT', `/api/admin/communities/${realId}/official`, {
      official: true,
    });
    assert.equal((marked.body as CommunityView).official, true);
    const listed = await as(fan.accessToken, 'GET', `/api/communities/${realId}`);
    assert.deepEqual(
      [(listed.body as CommunityView).official, (listed.body as CommunityView).myRole],
      [true, 'owner'],
    );
    const platform = await as(admin.accessToken, 'GET', '/api/admin/audit');
    const actions = (platform.body as AuditPage).entries.map((e) => e.action);
    assert.ok(actions.includes('user.creator') && actions.includes('community.official'));
  });

  test('with fan-made communities turned off, only creators and admins create', async () => {
    const locked = await startLightstick({ env: { LIGHTSTICK_FAN_COMMUNITIES: 'false' } });
    try {
      const fan = await registerUser(locked.baseUrl);
      const as = (token: string, method: string, path: string, body?: unknown) =>
        fetch(locked.baseUrl + path, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const refused = await as(fan.accessToken, 'POST', '/api/communities', { slug: 'nope-1', name: 'Nope' });
      assert.equal(refused.status, 403);
      const admin = await loginAdmin(locked.baseUrl);
      assert.equal(
        (await as(admin.accessToken, 'PUT', `/api/admin/users/${fan.user.id}/creator`, { creator: true }))
          .status,
        200,
      );
      assert.equal(
        (await as(fan.accessToken, 'POST', '/api/communities', { slug: 'yes-1', name: 'Yes' })).status,
        201,
      );
    } finally {
      await locked.stop();
    }
  });
});
