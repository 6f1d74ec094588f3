/**
 * Moderation across two gateways in scale-out mode (one Redis, one PostgreSQL): slow mode and unique chat hold
 * whichever gateway a fan lands on, a ban made through one process is enforced by the other, and a message
 * deleted the moment it was acknowledged (before the archiver has it) is found in the room stream.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame, MessagePage, ServerFrame } from '@lightstick/protocol';
import type { InProcess } from '../support/harness.ts';
import { startScaleOutPair, type ScaleOutPair } from '../support/scale-out-pair.ts';
import { moderationWorld, outcome, type ModerationWorld } from '../support/moderation-world.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, type TestUser } from '../support/ws-fixtures.ts';

describe('moderation across gateways (Redis and PostgreSQL)', () => {
  let pair: ScaleOutPair | undefined;
  let a: InProcess;
  let b: InProcess;
  let w: ModerationWorld;
  const onB = new Map<string, WsTestClient>();

  /** Sends through gateway B (a client per person, joined on first use). */
  async function sendOnB(who: TestUser, room: string, text: string): Promise<AckFrame | ErrorFrame> {
    let c = onB.get(who.id);
    if (!c) {
      c = await WsTestClient.authed(b.wsUrl, who.token);
      onB.set(who.id, c);
    }
    if (!c.frames.some((f) => f.t === 'joined' && f.room === room)) await join(c, room);
    return c.request<ServerFrame>({ op: 'send', id: nextId(), room, cid: `b-${nextId()}`, text }) as Promise<
      AckFrame | ErrorFrame
    >;
  }

  before(async () => {
    pair = await startScaleOutPair();
    ({ a, b } = pair);
    w = await moderationWorld(a);
  });
  after(async () => {
    w?.closeClients();
    for (const c of onB.values()) c.close();
    await pair?.stop();
  });

  test('slow mode holds across gateways', async () => {
    const room = await w.addRoom();
    assert.equal(
      (await w.call(w.people.moderator, 'PUT', `/api/rooms/${room.id}/mode`, { slowSeconds: 30 })).status,
      200,
    );
    assert.equal(outcome(await w.send(w.people.fan, room.id, 'on gateway A')), 'ok');
    const second = (await sendOnB(w.people.fan, room.id, 'on gateway B')) as ErrorFrame;
    assert.equal(second.code, 'slow_mode');
    assert.ok(second.retryAfterMs! > 25_000 && second.retryAfterMs! <= 30_000, String(second.retryAfterMs));
    assert.equal(outcome(await sendOnB(w.people.member, room.id, 'someone else on B')), 'ok');
  });

  test('unique chat holds across gateways', async () => {
    const room = await w.addRoom();
    await w.call(w.people.moderator, 'PUT', `/api/rooms/${room.id}/mode`, { uniqueChat: true });
    assert.equal(outcome(await w.send(w.writers[0]!, room.id, 'FIGHTING!!')), 'ok');
    assert.equal(outcome(await sendOnB(w.writers[1]!, room.id, 'fighting')), 'duplicate_text');
  });

  test('a ban made through one process is enforced by the other within its cache freshness', async () => {
    const room = await w.addRoom();
    const victim = w.writers[2]!;
    assert.equal(outcome(await sendOnB(victim, room.id, 'hello from B')), 'ok');
    const ban = await w.call(w.people.owner, 'POST', `/api/communities/${w.communityId}/bans`, {
      userId: victim.id,
    });
    assert.equal(ban.status, 201);
    const deadline = Date.now() + 15_000;
    let code = 'ok';
    while (code !== 'banned' && Date.now() < deadline) {
      code = outcome(await sendOnB(victim, room.id, `still? ${Date.now()}`));
      if (code !== 'banned') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(code, 'banned');
    assert.equal(outcome(await w.call(victim, 'GET', `/api/rooms/${room.id}/messages`)), 'banned');
  });

  test('a message deleted at once, before it is archived, is found in the room stream and hidden from fans', async () => {
    const room = await w.addRoom();
    const sent = (await sendOnB(w.writers[3]!, room.id, 'delete me quickly')) as AckFrame;
    assert.equal(sent.t, 'ack');
    const del = await w.call(w.people.moderator, 'DELETE', `/api/rooms/${room.id}/messages/${sent.mid}`);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    const kept = (await sendOnB(w.writers[3]!, room.id, 'keep me')) as AckFrame;
    // Once the archiver has both, fans see only the kept one; moderators see both.
    const deadline = Date.now() + 15_000;
    let fan: MessagePage | undefined;
    while (Date.now() < deadline) {
      fan = (await w.call<MessagePage>(w.people.fan, 'GET', `/api/rooms/${room.id}/messages`)).body;
      if (fan.messages.some((m) => m.id === kept.mid)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(
      fan?.messages.map((m) => m.text),
      ['keep me'],
    );
    const mod = (await w.call<MessagePage>(w.people.moderator, 'GET', `/api/rooms/${room.id}/messages`)).body;
    assert.equal(mod.messages.find((m) => m.id === sent.mid)?.deleted?.by.id, w.people.moderator.id);
  });
});
