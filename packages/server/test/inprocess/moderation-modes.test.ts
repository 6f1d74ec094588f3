/**
 * Room modes, timeouts and bans through the real server, at their boundaries: the slow-mode second on the
 * server's clock, emote-only, unique chat, a timeout to the millisecond, and a ban on send, join, the archive
 * and joining the community again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorFrame, RoomMode } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { moderationWorld, outcome, type ModerationWorld } from '../support/moderation-world.ts';
import { nextId, shiftableRuntime, type ShiftableRuntime } from '../support/ws-fixtures.ts';
import type { RoomRecord } from '../../src/storage/repositories.ts';

describe('room modes, timeouts and bans', () => {
  let app: InProcess;
  let w: ModerationWorld;
  let clock: ShiftableRuntime;
  let room: RoomRecord;

  before(async () => {
    clock = shiftableRuntime();
    app = await startLightstick({ runtime: clock });
    w = await moderationWorld(app);
  });
  after(async () => {
    w.closeClients();
    await app.stop();
  });

  const setMode = async (patch: Partial<RoomMode>) => {
    const r = await w.call<RoomMode>(w.people.moderator, 'PUT', `/api/rooms/${room.id}/mode`, patch);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };

  test('modes are off by default, change field by field, and refuse values out of range', async () => {
    room = await w.addRoom();
    const initial = await w.call<RoomMode>(w.people.fan, 'GET', `/api/rooms/${room.id}/mode`);
    assert.deepEqual(initial.body, {
      room: room.id,
      slowSeconds: 0,
      membersOnly: false,
      emoteOnly: false,
      uniqueChat: false,
      fanDelayMs: 0,
    });
    assert.deepEqual(await setMode({ fanDelayMs: 2500 }), { ...initial.body, fanDelayMs: 2500 });
    assert.deepEqual(await setMode({ emoteOnly: true }), {
      ...initial.body,
      fanDelayMs: 2500,
      emoteOnly: true,
    });
    for (const bad of [
      { slowSeconds: 2 },
      { slowSeconds: 121 },
      { fanDelayMs: 10_001 },
      { emoteOnly: 'yes' },
    ]) {
      const r = await w.call(w.people.moderator, 'PUT', `/api/rooms/${room.id}/mode`, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(outcome(r), 'validation_failed');
    }
    await setMode({ slowSeconds: 3 });
    await setMode({ slowSeconds: 120 });
    await setMode({ slowSeconds: 0, fanDelayMs: 0, emoteOnly: false });
  });

  test('slow mode: the next fan message passes at the interval, not a millisecond before', async () => {
    room = await w.addRoom();
    clock.freeze();
    await setMode({ slowSeconds: 3 });
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'one')), 'ok');
    clock.advance(2999);
    const early = (await w.send(w.people.fan, room.id, 'two')) as ErrorFrame;
    assert.equal(early.code, 'slow_mode');
    assert.equal(early.retryAfterMs, 1);
    clock.advance(1);
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'two')), 'ok');
    // Another fan has their own interval; staff are never slowed.
    assert.equal(outcome(await w.send(w.people.member, room.id, 'mine')), 'ok');
    for (let i = 0; i < 3; i++)
      assert.equal(outcome(await w.send(w.people.moderator, room.id, `mod ${i}`)), 'ok');
    // Turning slow mode off applies at once.
    await setMode({ slowSeconds: 0 });
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'three')), 'ok');
    clock.advance(10_000);
  });

  test('emote-only: emoji pass, words do not; staff write words', async () => {
    room = await w.addRoom();
    await setMode({ emoteOnly: true });
    assert.equal(outcome(await w.send(w.people.fan, room.id, '💜💜 👏🏽 🇰🇷')), 'ok');
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'I love you 💜')), 'emote_only');
    assert.equal(outcome(await w.send(w.people.member, room.id, 'ㅋㅋㅋ')), 'emote_only');
    assert.equal(outcome(await w.send(w.people.artist, room.id, 'thank you all!')), 'ok');
  });

  test('unique chat: the same text, however spaced or cased, waits out the window', async () => {
    room = await w.addRoom();
    clock.freeze();
    await setMode({ uniqueChat: true });
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'LOL so good')), 'ok');
    const dup = (await w.send(w.people.member, room.id, 'l o l   SO GOOD')) as ErrorFrame;
    assert.equal(dup.code, 'duplicate_text');
    assert.equal(dup.retryAfterMs, 30_000);
    assert.equal(outcome(await w.send(w.people.member, room.id, 'LOL so good!!')), 'duplicate_text');
    assert.equal(outcome(await w.send(w.people.member, room.id, 'something new')), 'ok');
    assert.equal(outcome(await w.send(w.people.owner, room.id, 'LOL so good')), 'ok');
    clock.advance(30_000);
    assert.equal(outcome(await w.send(w.people.member, room.id, 'lol so good')), 'ok');
  });

  test('a timeout stops sending until its last millisecond, and the person still reads', async () => {
    room = await w.addRoom();
    clock.freeze();
    const c = `/api/communities/${w.communityId}`;
    const t = await w.call(w.people.moderator, 'POST', `${c}/timeouts`, {
      userId: w.people.fan.id,
      seconds: 10,
      reason: 'calm down',
    });
    assert.equal(t.status, 201);
    const refused = (await w.send(w.people.fan, room.id, 'hello?')) as ErrorFrame;
    assert.equal(refused.code, 'timed_out');
    assert.equal(refused.retryAfterMs, 10_000);
    assert.equal((await w.call(w.people.fan, 'GET', `/api/rooms/${room.id}/messages`)).status, 200);
    clock.advance(9_999);
    assert.equal(((await w.send(w.people.fan, room.id, 'now?')) as ErrorFrame).retryAfterMs, 1);
    clock.advance(1);
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'back')), 'ok');
    // Out of range, and a moderator timing out a moderator, are refused.
    for (const seconds of [0, 14 * 24 * 3600 + 1]) {
      const bad = await w.call(w.people.moderator, 'POST', `${c}/timeouts`, {
        userId: w.people.fan.id,
        seconds,
      });
      assert.equal(outcome(bad), 'validation_failed');
    }
    const peer = await w.call(w.people.moderator, 'POST', `${c}/timeouts`, {
      userId: w.people.artist.id,
      seconds: 5,
    });
    assert.equal(outcome(peer), 'forbidden');
    // Lifting early works once.
    await w.call(w.people.moderator, 'POST', `${c}/timeouts`, { userId: w.people.fan.id, seconds: 60 });
    assert.equal(
      (await w.call(w.people.moderator, 'DELETE', `${c}/timeouts/${w.people.fan.id}`)).status,
      204,
    );
    assert.equal(
      outcome(await w.call(w.people.moderator, 'DELETE', `${c}/timeouts/${w.people.fan.id}`)),
      'not_found',
    );
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'free')), 'ok');
  });

  test('a ban closes send, join, the archive, reports and joining the community again; unban opens them', async () => {
    room = await w.addRoom();
    const c = `/api/communities/${w.communityId}`;
    const victim = w.writers[0]!;
    assert.equal(outcome(await w.send(victim, room.id, 'before the ban')), 'ok');
    const ban = await w.call<{ kind: string; until: null }>(w.people.moderator, 'POST', `${c}/bans`, {
      userId: victim.id,
      reason: 'spam links',
    });
    assert.equal(ban.status, 201);
    assert.equal(ban.body.until, null);
    assert.equal(outcome(await w.send(victim, room.id, 'still here?')), 'banned');
    const vc = await w.client(victim);
    const join = await vc.request<ErrorFrame>({ op: 'join', id: nextId(), room: w.lobby.id });
    assert.equal(join.code, 'banned');
    assert.equal(outcome(await w.call(victim, 'GET', `/api/rooms/${room.id}/messages`)), 'banned');
    assert.equal(outcome(await w.call(victim, 'POST', `${c}/leave`)), 'ok');
    assert.equal(outcome(await w.call(victim, 'POST', `${c}/join`)), 'banned');
    const list = await w.call<{ sanctions: { userId: string; kind: string }[] }>(
      w.people.moderator,
      'GET',
      `${c}/sanctions?kind=ban`,
    );
    assert.deepEqual(
      list.body.sanctions.map((s) => [s.userId, s.kind]),
      [[victim.id, 'ban']],
    );
    assert.equal((await w.call(w.people.moderator, 'DELETE', `${c}/bans/${victim.id}`)).status, 204);
    assert.equal(outcome(await w.call(victim, 'POST', `${c}/join`)), 'ok');
    // The ban took the connection out of the room at once (an `error` with the room): it joins again.
    assert.ok(vc.frames.some((f) => f.t === 'error' && f.code === 'banned' && f.room === room.id));
    assert.equal((await vc.request({ op: 'join', id: nextId(), room: room.id })).t, 'joined');
    assert.equal(outcome(await w.send(victim, room.id, 'thank you')), 'ok');
    // Nobody bans themselves, an owner, or an admin; an owner bans a moderator.
    assert.equal(
      outcome(await w.call(w.people.moderator, 'POST', `${c}/bans`, { userId: w.people.moderator.id })),
      'forbidden',
    );
    assert.equal(
      outcome(await w.call(w.people.moderator, 'POST', `${c}/bans`, { userId: w.people.owner.id })),
      'forbidden',
    );
    assert.equal(
      outcome(await w.call(w.people.owner, 'POST', `${c}/bans`, { userId: w.people.admin.id })),
      'forbidden',
    );
    assert.equal(
      outcome(await w.call(w.people.owner, 'POST', `${c}/bans`, { userId: 'nobody' })),
      'not_found',
    );
    assert.equal(
      outcome(await w.call(w.people.owner, 'POST', `${c}/bans`, { userId: w.people.moderator.id })),
      'ok',
    );
    assert.equal(outcome(await w.call(w.people.owner, 'DELETE', `${c}/bans/${w.people.moderator.id}`)), 'ok');
  });
});
