/**
 * Realtime moderation and hearts across two gateways in scale-out mode (one Redis, one PostgreSQL): changes made
 * through process A reach connections on process B at once over the Redis broker's control channel (a mode
 * change, a deletion, a ban, a demotion out of a members-only room, and a re-join at once refused although B's
 * access cache may not know yet), and heart taps on both processes end up as
 * the same merged total and viewer count on every client (Redis PresenceStore).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ServerFrame, StatsFrame } from '@lightstick/protocol';
import type { InProcess } from '../support/harness.ts';
import { startScaleOutPair, type ScaleOutPair } from '../support/scale-out-pair.ts';
import { moderationWorld, type ModerationWorld } from '../support/moderation-world.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, until, type TestUser } from '../support/ws-fixtures.ts';

describe('realtime moderation and hearts across gateways (Redis and PostgreSQL)', () => {
  let pair: ScaleOutPair | undefined;
  let a: InProcess;
  let b: InProcess;
  let w: ModerationWorld;
  const clients: WsTestClient[] = [];

  before(async () => {
    pair = await startScaleOutPair();
    ({ a, b } = pair);
    w = await moderationWorld(a);
  });
  after(async () => {
    w?.closeClients();
    for (const c of clients) c.close();
    await pair?.stop();
  });

  const on = async (server: InProcess, who: TestUser, room: string) => {
    const c = await WsTestClient.authed(server.wsUrl, who.token);
    clients.push(c);
    await join(c, room);
    return c;
  };
  const has = (c: WsTestClient, pred: (f: ServerFrame) => boolean) => c.frames.some(pred);

  test('a mode change and a deletion made through A reach clients on B at once', async () => {
    const room = await w.addRoom();
    const fanOnB = await on(b, w.people.fan, room.id);
    await until(() => has(fanOnB, (f) => f.t === 'mode' && f.room === room.id), 'mode on join');
    const r = await w.call(w.people.moderator, 'PUT', `/api/rooms/${room.id}/mode`, { slowSeconds: 7 });
    assert.equal(r.status, 200);
    await until(() => has(fanOnB, (f) => f.t === 'mode' && f.slowSeconds === 7), 'the mode on B', 10_000);
    const writerOnB = await on(b, w.writers[0]!, room.id);
    const sent = await writerOnB.request<AckFrame>({
      op: 'send',
      id: nextId(),
      room: room.id,
      cid: 'x1',
      text: 'delete me',
    });
    assert.equal(sent.t, 'ack');
    const del = await w.call(w.people.moderator, 'DELETE', `/api/rooms/${room.id}/messages/${sent.mid}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    await until(
      () => has(fanOnB, (f) => f.t === 'deleted' && f.mids.includes(sent.mid)),
      'deleted on B',
      10_000,
    );
  });

  test('a ban and a demotion made through A take the person out of rooms on B at once, and tell the role', async () => {
    const room = await w.addRoom();
    const members = await w.addRoom('members');
    const victim = w.writers[1]!;
    const onB = await on(b, victim, room.id);
    const ban = await w.call(w.people.owner, 'POST', `/api/communities/${w.communityId}/bans`, {
      userId: victim.id,
    });
    assert.equal(ban.status, 201);
    await until(
      () => has(onB, (f) => f.t === 'error' && f.code === 'banned' && f.room === room.id),
      'banned on B',
      10_000,
    );
    // Joining again at once on B is refused, though B's access cache may still hold the membership unbanned.
    const again = await onB.request({ op: 'join', id: nextId(), room: room.id });
    assert.equal(again.t === 'error' ? again.code : again.t, 'banned');
    const member = w.writers[2]!;
    await w.setRole(member, 'member');
    const memberOnB = await on(b, member, members.id);
    const demote = await w.call(
      w.people.owner,
      'PUT',
      `/api/communities/${w.communityId}/members/${member.id}`,
      { role: 'fan' },
    );
    assert.equal(demote.status, 200, JSON.stringify(demote.body));
    await until(
      () => has(memberOnB, (f) => f.t === 'error' && f.code === 'forbidden' && f.room === members.id),
      'demoted on B',
      10_000,
    );
    await until(
      () => has(memberOnB, (f) => f.t === 'role' && f.community === w.communityId && f.role === 'fan'),
      'told the new role on B',
      10_000,
    );
    const rejoin = await memberOnB.request({ op: 'join', id: nextId(), room: members.id });
    assert.equal(rejoin.t === 'error' ? rejoin.code : rejoin.t, 'forbidden');
  });

  test('heart taps on both processes: every client sees the same total and viewer count', async () => {
    const room = await w.addRoom();
    const fans = [w.writers[3]!, w.writers[4]!, w.writers[5]!, w.people.member];
    const cs = [
      await on(a, fans[0]!, room.id),
      await on(b, fans[1]!, room.id),
      await on(a, fans[2]!, room.id),
      await on(b, fans[3]!, room.id),
    ];
    cs.forEach((c, i) => c.send({ op: 'heart', room: room.id, count: 5 + i }));
    await Promise.all(cs.map((c) => c.request({ op: 'ping', id: nextId() })));
    const expected = 5 + 6 + 7 + 8;
    for (const c of cs) {
      await until(
        () => {
          const s = c.frames.filter((f): f is StatsFrame => f.t === 'stats' && f.room === room.id).at(-1);
          return s?.hearts === expected && s.viewers === 4;
        },
        `hearts ${expected} and 4 viewers`,
        15_000,
      );
    }
  });
});
