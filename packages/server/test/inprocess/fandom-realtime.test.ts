/**
 * Moderation reaching live connections on three gateway nodes in one process (test/support/nodes.ts): `mode`
 * and `pinned` frames on join and on every change, a deleted message gone from every client and from fan
 * history (moderators keep it with who deleted it), a ban and a demotion taking a connected person out of the
 * room at once on another gateway and telling them their role, the fan delay (held for fans, shown to moderators, never delivered when
 * deleted; staff messages behind held ones shown at once), and the artist spotlight on the priority lane.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type {
  AheadFrame,
  ChatMessage,
  CommunityRole,
  ErrorFrame,
  HeldFrame,
  MessagesFrame,
  ModeFrame,
  PinnedFrame,
  RoleFrame,
  ServerFrame,
  SpotlightFrame,
} from '@lightstick/protocol';
import { http } from '../support/api.ts';
import { useNodes } from '../support/nodes-fixture.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, received, until, type TestUser } from '../support/ws-fixtures.ts';
import type { RoomRecord } from '../../src/storage/repositories.ts';

describe('moderation on live connections across gateways', () => {
  const fx = useNodes(3);
  const connectTo = fx.connectTo;
  const api = <T = unknown>(u: TestUser, method: string, path: string, body?: unknown) =>
    http<T>(fx.cluster.app.baseUrl, method, path, {
      token: u.token,
      ...(body !== undefined ? { body } : {}),
    });
  const has = (c: WsTestClient, pred: (f: ServerFrame) => boolean) => c.frames.some(pred);
  let cid = 0;
  const send = async (c: WsTestClient, room: string, text: string) => {
    const f = await c.request({ op: 'send', id: nextId(), room, cid: `c${++cid}`, text });
    assert.equal(f.t, 'ack', JSON.stringify(f));
    return f.t === 'ack' ? f : assert.fail();
  };

  /** A community with an owner, a moderator and fans, each connected to a node and joined to `room`. */
  async function community(access: 'public' | 'members' = 'public') {
    const owner = await fx.w.newUser();
    const { communityId, room: lobby } = await fx.w.newCommunity(owner);
    const room: RoomRecord = access === 'public' ? lobby : await fx.w.addRoom(communityId, access);
    const people: Record<string, TestUser> = { owner };
    const roles: [string, CommunityRole][] = [
      ['mod', 'moderator'],
      ['artist', 'artist'],
      ['fan0', 'member'],
      ['fan1', 'member'],
      ['fan2', 'member'],
    ];
    for (const [name, role] of roles) {
      people[name] = await fx.w.newUser();
      await fx.w.addMember(communityId, people[name]!, role);
    }
    const c: Record<string, WsTestClient> = {};
    const nodeOf: Record<string, number> = { owner: 0, mod: 1, artist: 2, fan0: 0, fan1: 1, fan2: 2 };
    for (const name of Object.keys(people)) {
      c[name] = await connectTo(nodeOf[name]!, people[name]!);
      await join(c[name]!, room.id);
    }
    return { communityId, room, people, c };
  }

  test('a join is followed by the mode and pinned frames; a mode change reaches every node', async () => {
    const { room, people, c } = await community();
    for (const client of Object.values(c)) {
      await until(() => has(client, (f) => f.t === 'mode' && f.room === room.id), 'mode on join');
      await until(() => has(client, (f) => f.t === 'pinned' && f.room === room.id), 'pinned on join');
    }
    const onJoin = c.fan2!.frames.find((f): f is ModeFrame => f.t === 'mode')!;
    assert.deepEqual(onJoin, {
      t: 'mode',
      room: room.id,
      slowSeconds: 0,
      membersOnly: false,
      emoteOnly: false,
      uniqueChat: false,
      fanDelayMs: 0,
    });
    const r = await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, {
      slowSeconds: 5,
      emoteOnly: true,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const client of Object.values(c)) {
      await until(
        () => has(client, (f) => f.t === 'mode' && f.slowSeconds === 5 && f.emoteOnly),
        'the changed mode everywhere',
      );
    }
    const late = await connectTo(2, people.fan1!);
    await join(late, room.id);
    await until(() => has(late, (f) => f.t === 'mode' && f.slowSeconds === 5), 'the current mode on join');
  });

  test('a deleted message is gone from every client and from fan history; moderators keep it', async () => {
    const { room, people, c } = await community();
    const kept = await send(c.fan0!, room.id, 'kept');
    const bad = await send(c.fan0!, room.id, 'bad words');
    for (const client of Object.values(c)) {
      await until(() => received(client, room.id).some((m) => m.id === bad.mid), 'the message everywhere');
    }
    const del = await api(people.mod!, 'DELETE', `/api/rooms/${room.id}/messages/${bad.mid}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    for (const client of Object.values(c)) {
      await until(
        () => has(client, (f) => f.t === 'deleted' && f.room === room.id && f.mids.includes(bad.mid)),
        'deleted on every node',
      );
    }
    // Join replay: a fan resuming from before both gets only the kept one; a moderator gets both, marked.
    const since = { epoch: kept.pos.epoch, offset: kept.pos.offset - 1 };
    const fan = await connectTo(1, people.fan2!);
    const fanJoin = await join(fan, room.id, since);
    assert.deepEqual(
      fanJoin.missed.map((m) => m.id),
      [kept.mid],
    );
    assert.deepEqual(fanJoin.pos, bad.pos);
    const mod = await connectTo(2, people.mod!);
    const modJoin = await join(mod, room.id, since);
    assert.deepEqual(
      modJoin.missed.map((m) => m.id),
      [kept.mid, bad.mid],
    );
    assert.equal(modJoin.missed[1]!.deleted?.by.id, people.mod!.id);
    // The archive over HTTP as well.
    const page = await api<{ messages: ChatMessage[] }>(
      people.fan2!,
      'GET',
      `/api/rooms/${room.id}/messages`,
    );
    assert.equal(page.status, 200);
    assert.ok(!page.body.messages.some((m) => m.id === bad.mid));
  });

  test('pinning reaches every node and is sent on join; unpinning too', async () => {
    const { room, people, c } = await community();
    const msg = await send(c.artist!, room.id, 'pin me');
    const r = await api(people.mod!, 'PUT', `/api/rooms/${room.id}/pin`, { mid: msg.mid });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    for (const client of Object.values(c)) {
      await until(
        () => has(client, (f) => f.t === 'pinned' && f.message?.id === msg.mid),
        'pinned everywhere',
      );
    }
    const late = await connectTo(1, people.fan0!);
    await join(late, room.id);
    await until(() => has(late, (f) => f.t === 'pinned' && f.message?.id === msg.mid), 'the pin on join');
    await api(people.mod!, 'PUT', `/api/rooms/${room.id}/pin`, { mid: null });
    await until(
      () => c.fan2!.frames.filter((f): f is PinnedFrame => f.t === 'pinned').at(-1)?.message === null,
      'unpinned',
    );
  });

  test('a ban takes a connected fan out of the community rooms at once, on another gateway', async () => {
    const { communityId, room, people, c } = await community();
    const other = await fx.w.addRoom(communityId, 'public');
    await join(c.fan2!, other.id);
    const r = await api(people.mod!, 'POST', `/api/communities/${communityId}/bans`, {
      userId: people.fan2!.id,
      reason: 'spam',
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    for (const id of [room.id, other.id]) {
      await until(
        () => has(c.fan2!, (f) => f.t === 'error' && f.code === 'banned' && f.room === id),
        'banned from each room',
      );
    }
    // Out of the room: new messages no longer reach the banned fan; the others still get them.
    const after = await send(c.fan0!, room.id, 'after the ban');
    await until(() => received(c.fan1!, room.id).some((m) => m.id === after.mid), 'others still get it');
    const sent = await c.fan2!.request({ op: 'send', id: nextId(), room: room.id, cid: 'x', text: 'hi' });
    assert.equal(sent.t, 'error');
    assert.ok(!received(c.fan2!, room.id).some((m) => m.id === after.mid));
  });

  test('a demotion takes a connected member out of a members-only room at once, on another gateway', async () => {
    const { communityId, room, people, c } = await community('members');
    const r = await api(people.owner!, 'PUT', `/api/communities/${communityId}/members/${people.fan1!.id}`, {
      role: 'fan',
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await until(
      () => has(c.fan1!, (f) => f.t === 'error' && f.code === 'forbidden' && f.room === room.id),
      'the demoted member leaves the members-only room',
    );
    const after = await send(c.fan0!, room.id, 'members only');
    await until(() => received(c.fan2!, room.id).some((m) => m.id === after.mid), 'members still get it');
    assert.ok(!received(c.fan1!, room.id).some((m) => m.id === after.mid));
    // Leaving the community ends the membership in its rooms too.
    const left = await api(people.fan2!, 'POST', `/api/communities/${communityId}/leave`);
    assert.ok(left.status < 300, JSON.stringify(left.body));
    await until(
      () => has(c.fan2!, (f): f is ErrorFrame => f.t === 'error' && f.room === room.id),
      'the member who left is out',
    );
  });

  test('a role change, leaving and a lifted ban tell each of the person’s connections their role, on every gateway', async () => {
    const { communityId, room, people, c } = await community();
    // A second connection of fan0 on another gateway, in no room of the community: told all the same.
    const idle = await connectTo(2, people.fan0!);
    const roles = (client: WsTestClient) =>
      client.frames.filter((f): f is RoleFrame => f.t === 'role').map((f) => [f.community, f.role]);
    const setRole = async (u: TestUser, role: CommunityRole) => {
      const r = await api(people.owner!, 'PUT', `/api/communities/${communityId}/members/${u.id}`, { role });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };

    await setRole(people.fan0!, 'moderator');
    for (const client of [c.fan0!, idle]) {
      await until(() => roles(client).length === 1, 'the promotion told');
      assert.deepEqual(roles(client), [[communityId, 'moderator']]);
    }
    // At once, the promoted connection sends past slow mode as staff do.
    const slow = await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { slowSeconds: 60 });
    assert.equal(slow.status, 200);
    await until(() => has(c.fan0!, (f) => f.t === 'mode' && f.slowSeconds === 60), 'slow mode');
    await send(c.fan0!, room.id, 'first as a moderator');
    await send(c.fan0!, room.id, 'second as a moderator');
    await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { slowSeconds: 0 });

    await setRole(people.fan0!, 'fan');
    for (const client of [c.fan0!, idle]) {
      await until(() => roles(client).length === 2, 'the demotion told');
      assert.deepEqual(roles(client)[1], [communityId, 'fan']);
    }
    // Nobody else is told.
    assert.deepEqual(roles(c.fan1!), []);
    assert.deepEqual(roles(c.owner!), []);

    // A ban takes fan1 out of the room; lifting it tells fan1 the role they hold, so a client joins again.
    const ban = await api(people.mod!, 'POST', `/api/communities/${communityId}/bans`, {
      userId: people.fan1!.id,
    });
    assert.equal(ban.status, 201, JSON.stringify(ban.body));
    await until(() => has(c.fan1!, (f) => f.t === 'error' && f.code === 'banned'), 'banned');
    assert.deepEqual(roles(c.fan1!), [], 'a ban is told by the room errors, not by a role frame');
    const lift = await api(people.mod!, 'DELETE', `/api/communities/${communityId}/bans/${people.fan1!.id}`);
    assert.ok(lift.status < 300, JSON.stringify(lift.body));
    await until(() => roles(c.fan1!).length === 1, 'the lifted ban told');
    assert.deepEqual(roles(c.fan1!), [[communityId, 'member']]);
    await join(c.fan1!, room.id);

    // Leaving: role null.
    const left = await api(people.fan2!, 'POST', `/api/communities/${communityId}/leave`);
    assert.ok(left.status < 300, JSON.stringify(left.body));
    await until(() => roles(c.fan2!).length === 1, 'leaving told');
    assert.deepEqual(roles(c.fan2!), [[communityId, null]]);
  });

  test('fan delay: fans get fan messages later, moderators see them held, a deleted one never reaches fans', async () => {
    const { room, people, c } = await community();
    const r = await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 10_000 });
    assert.equal(r.status, 200);
    for (const client of Object.values(c)) {
      await until(() => has(client, (f) => f.t === 'mode' && f.fanDelayMs === 10_000), 'delay mode');
    }
    const bad = await send(c.fan0!, room.id, 'held and deleted');
    // Moderators on every node see it held at once.
    await until(
      () => has(c.mod!, (f): f is HeldFrame => f.t === 'held' && f.message.id === bad.mid),
      'held for the moderator',
    );
    await until(
      () => has(c.owner!, (f): f is HeldFrame => f.t === 'held' && f.message.id === bad.mid),
      'held for the owner',
    );
    assert.ok(!has(c.fan1!, (f) => f.t === 'held'));
    await api(people.mod!, 'DELETE', `/api/rooms/${room.id}/messages/${bad.mid}`);
    // Shorten the delay: the held place goes out as skipped, the message never.
    await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 200 });
    const good = await send(c.fan0!, room.id, 'delayed and kept');
    for (const name of ['fan0', 'fan1', 'fan2']) {
      await until(() => received(c[name]!, room.id).some((m) => m.id === good.mid), 'the kept one arrives');
      assert.ok(!received(c[name]!, room.id).some((m) => m.id === bad.mid), 'the deleted one never');
      const skip = c[name]!.frames.find(
        (f): f is MessagesFrame => f.t === 'msgs' && f.msgs.length === 0 && f.skipped === 1,
      );
      assert.deepEqual(skip?.upto, bad.pos);
    }
    // Staff messages are not held: with nothing held before them they reach fans without a `held` frame.
    await until(() => received(c.fan1!, room.id).some((m) => m.id === good.mid), 'released');
    const staff = await send(c.mod!, room.id, 'from a moderator');
    await until(() => received(c.fan2!, room.id).some((m) => m.id === staff.mid), 'staff message');
    assert.ok(!has(c.owner!, (f) => f.t === 'held' && f.message.id === staff.mid));
    await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 0 });
  });

  test('fan delay: a staff message sent behind held fan messages reaches every fan at once, and keeps its place', async () => {
    const { room, people, c } = await community();
    await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 10_000 });
    for (const client of Object.values(c)) {
      await until(() => has(client, (f) => f.t === 'mode' && f.fanDelayMs === 10_000), 'delay mode');
    }
    const fanMsg = await send(c.fan0!, room.id, 'a fan message, held');
    const staff = await send(c.artist!, room.id, 'the artist, never delayed');
    const aheadOf = (client: WsTestClient) =>
      client.frames.find((f): f is AheadFrame => f.t === 'ahead' && f.message.id === staff.mid);
    // Every fan on every node is shown it while the fan message before it is still held.
    for (const name of ['fan0', 'fan1', 'fan2', 'owner']) {
      await until(() => aheadOf(c[name]!) !== undefined, `shown ahead to ${name}`);
      assert.equal(aheadOf(c[name]!)!.message.pos.offset, fanMsg.pos.offset + 1);
      assert.ok(!received(c[name]!, room.id).some((m) => m.id === fanMsg.mid), 'the fan message is held');
    }
    // Whoever joins while it waits is shown it too (the replay stops before the held fan message).
    const late = await connectTo(1, people.fan1!);
    await join(late, room.id);
    await until(() => aheadOf(late) !== undefined, 'shown ahead on join');
    // Released: both arrive in `msgs` in position order (the staff message right behind the fan message).
    await api(people.mod!, 'PUT', `/api/rooms/${room.id}/mode`, { fanDelayMs: 0 });
    for (const client of [c.fan0!, c.fan1!, c.fan2!, late]) {
      await until(() => received(client, room.id).some((m) => m.id === staff.mid), 'released in order');
      const ids = received(client, room.id).map((m) => m.id);
      assert.ok(ids.indexOf(fanMsg.mid) < ids.indexOf(staff.mid), JSON.stringify(ids));
    }
  });

  test('an artist message goes on the priority lane and into the spotlight, on every node and on join', async () => {
    const { room, people, c } = await community();
    const msg = await send(c.artist!, room.id, 'hello fans');
    for (const client of Object.values(c)) {
      await until(
        () => has(client, (f): f is SpotlightFrame => f.t === 'spotlight' && f.message.id === msg.mid),
        'spotlight everywhere',
      );
    }
    const m = received(c.fan0!, room.id).find((x) => x.id === msg.mid)!;
    assert.equal(m.priority, true);
    assert.equal(m.role, 'artist');
    const spot = c.fan1!.frames.find((f): f is SpotlightFrame => f.t === 'spotlight')!;
    assert.ok(spot.until > m.ts);
    const late = await connectTo(0, people.fan2!);
    await join(late, room.id);
    await until(() => has(late, (f) => f.t === 'spotlight' && f.message.id === msg.mid), 'spotlight on join');
  });

  test("an artist's reply carries the fan's message, live and in the archive; a deleted or unknown one is refused", async () => {
    const { room, people, c } = await community();
    const question = await send(c.fan1!, room.id, 'what did you eat today?');
    const answer = await c.artist!.request({
      op: 'send',
      id: nextId(),
      room: room.id,
      cid: 'reply-1',
      text: 'kimchi jjigae!',
      replyTo: question.mid,
    });
    assert.equal(answer.t, 'ack', JSON.stringify(answer));
    const mid = answer.t === 'ack' ? answer.mid : '';
    for (const client of Object.values(c)) {
      await until(() => received(client, room.id).some((m) => m.id === mid), 'the reply everywhere');
      const m = received(client, room.id).find((x) => x.id === mid)!;
      assert.equal(m.reply?.id, question.mid);
      assert.equal(m.reply?.text, 'what did you eat today?');
      assert.equal(m.reply?.user.id, people.fan1!.id);
      assert.equal(m.priority, true);
    }
    await until(
      () =>
        has(
          c.fan2!,
          (f) => f.t === 'spotlight' && f.message.id === mid && f.message.reply?.id === question.mid,
        ),
      'the spotlight shows the reply with the question',
    );
    const page = await api<{ messages: ChatMessage[] }>(
      people.fan0!,
      'GET',
      `/api/rooms/${room.id}/messages`,
    );
    assert.equal(page.body.messages.find((m) => m.id === mid)?.reply?.id, question.mid);
    const unknown = await c.artist!.request({
      op: 'send',
      id: nextId(),
      room: room.id,
      cid: 'reply-2',
      text: 'hm',
      replyTo: 'no-such-message',
    });
    assert.equal(unknown.t === 'error' ? unknown.code : unknown.t, 'not_found');
    await api(people.mod!, 'DELETE', `/api/rooms/${room.id}/messages/${question.mid}`);
    const toDeleted = await c.artist!.request({
      op: 'send',
      id: nextId(),
      room: room.id,
      cid: 'reply-3',
      text: 'again',
      replyTo: question.mid,
    });
    assert.equal(toDeleted.t === 'error' ? toDeleted.code : toDeleted.t, 'not_found');
  });
});
