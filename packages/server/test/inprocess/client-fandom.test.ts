/**
 * Client SDK against a real server: heart taps and the `stats` event, the room state events on join (`mode`,
 * `pinned`), a deletion (`deleted`), a reply carrying the message it answers, and a ban ending the membership
 * (`removed`: the client forgets the room and does not join it again), a lifted ban and a role change told to
 * the person (`role`), and a staff message shown `ahead` of fan messages the fan delay holds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http } from '../support/api.ts';
import { signedInUser, until, type TestUser } from '../support/client-support.ts';

describe('client SDK: fandom', () => {
  let srv: InProcess;
  let owner: TestUser;
  let room: RoomView;
  const clients: TestUser[] = [];

  async function fan(): Promise<TestUser> {
    const u = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(u);
    await u.api.joinCommunity(room.communityId);
    u.rt.connect();
    await u.rt.join(room.id);
    return u;
  }
  const asOwner = async (method: string, path: string, body?: unknown) =>
    http(srv.baseUrl, method, path, {
      token: await owner.api.getAccessToken({ forceRefresh: false }),
      ...(body !== undefined ? { body } : {}),
    });

  before(async () => {
    srv = await startLightstick();
    owner = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(owner);
    const c = await owner.api.createCommunity({ slug: 'sdk-fandom', name: 'SDK fandom' });
    room = (await owner.api.listRooms(c.id))[0]!;
    owner.rt.connect();
    await owner.rt.join(room.id);
  });
  after(async () => {
    for (const c of clients) c.rt.close();
    await srv.stop();
  });

  test('joining reports the mode and the pin; hearts come back in stats', async () => {
    const a = await fan();
    await until(a.rt, () => a.events('mode').length > 0 && a.events('pinned').length > 0, 'mode and pin');
    assert.equal(a.events('mode')[0]!.fanDelayMs, 0);
    assert.equal(a.events('pinned')[0]!.message, null);
    assert.equal(a.rt.heart(room.id, 5), true);
    assert.equal(a.rt.heart('not-joined', 5), false);
    await a.rt.send(room.id, 'sync'); // the heart op was handled before this send's ack
    await srv.server.gateway!.counters.reportNow();
    await until(a.rt, () => a.events('stats').some((s) => s.hearts === 5), 'hearts in stats');
  });

  test('a reply carries the message it answers; a deletion is reported', async () => {
    const a = await fan();
    const q = await a.rt.send(room.id, 'question?');
    const r = await owner.rt.send(room.id, 'answer!', { replyTo: q.mid });
    await until(a.rt, () => (a.received.get(room.id) ?? []).some((m) => m.id === r.mid), 'the reply');
    const got = a.received.get(room.id)!.find((m) => m.id === r.mid)!;
    assert.deepEqual(got.reply, { id: q.mid, user: got.reply!.user, text: 'question?' });
    const del = await asOwner('DELETE', `/api/rooms/${room.id}/messages/${q.mid}`);
    assert.equal(del.status, 200);
    await until(a.rt, () => a.events('deleted').some((d) => d.mids.includes(q.mid)), 'deleted event');
  });

  test('fan delay: a staff message comes once as `ahead`, then `messages` leaves it out and moves on', async () => {
    const a = await fan();
    // The longest delay (10 s), so the fan message still waits when `ahead` arrives on a loaded machine (a 3 s
    // delay had run out first in a loaded run); turning the delay off then releases it at once.
    assert.equal((await asOwner('PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 10_000 })).status, 200);
    await until(a.rt, () => a.events('mode').some((m) => m.fanDelayMs === 10_000), 'delay mode');
    const held = await a.rt.send(room.id, 'a fan message, held');
    const staff = await owner.rt.send(room.id, 'the owner, never delayed');
    await until(a.rt, () => a.events('ahead').some((e) => e.message.id === staff.mid), 'ahead');
    assert.ok(!(a.received.get(room.id) ?? []).some((m) => m.id === held.mid), 'the fan message waits');
    assert.equal((await asOwner('PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 0 })).status, 200);
    await until(a.rt, () => (a.received.get(room.id) ?? []).some((m) => m.id === held.mid), 'released');
    // Its place came in the same `msgs` (or right after): the position passed it, and it was not given twice.
    const next = await a.rt.send(room.id, 'after both');
    await until(a.rt, () => (a.received.get(room.id) ?? []).some((m) => m.id === next.mid), 'the next one');
    const ids = a.received.get(room.id)!.map((m) => m.id);
    assert.ok(!ids.includes(staff.mid), 'the staff message is not repeated in `messages`');
    assert.equal(a.events('ahead').filter((e) => e.message.id === staff.mid).length, 1);
    assert.ok(a.rt.position(room.id)!.offset >= staff.pos.offset);
    assert.equal(a.events('reload').length, 0, 'no gap');
  });

  test('a ban ends the membership: removed, and the room is not joined again', async () => {
    const a = await fan();
    const me = await a.api.me();
    const ban = await asOwner('POST', `/api/communities/${room.communityId}/bans`, { userId: me.id });
    assert.equal(ban.status, 201, JSON.stringify(ban.body));
    await until(a.rt, () => a.events('removed').some((e) => e.room === room.id), 'removed');
    assert.equal(a.events('removed')[0]!.error.code, 'banned');
    await assert.rejects(
      a.rt.send(room.id, 'still here?'),
      (e: Error & { code?: string }) => e.code === 'not_joined',
    );
    // Lifting the ban tells the person their role (`role`), so the app can join again by itself.
    const lift = await asOwner('DELETE', `/api/communities/${room.communityId}/bans/${me.id}`);
    assert.ok(lift.status < 300, JSON.stringify(lift.body));
    await until(a.rt, () => a.events('role').length > 0, 'role after the lift');
    assert.deepEqual(a.events('role'), [{ t: 'role', community: room.communityId, role: 'fan' }]);
    await a.rt.join(room.id);
  });

  test('a role change is reported as `role`, also to a client in no room of the community', async () => {
    const a = await fan();
    await a.rt.leave(room.id);
    const me = await a.api.me();
    const set = await asOwner('PUT', `/api/communities/${room.communityId}/members/${me.id}`, {
      role: 'moderator',
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    await until(a.rt, () => a.events('role').length > 0, 'role');
    assert.deepEqual(a.events('role'), [{ t: 'role', community: room.communityId, role: 'moderator' }]);
  });
});
