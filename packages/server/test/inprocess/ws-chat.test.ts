/** The chat path over real WebSockets and a real SQLite file: fan-out order, acks, dedup, resume, re-auth. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type {
  AckFrame,
  AuthedFrame,
  ChatMessage,
  ErrorFrame,
  LeftFrame,
  StatsFrame,
} from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, received, until, world } from '../support/ws-fixtures.ts';

describe('gateway: chat over WebSocket', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;

  before(async () => {
    app = await startLightstick();
    w = world(app);
  });
  after(() => app.stop());

  const send = (c: WsTestClient, room: string, text: string, cid = `cid-${nextId()}`) =>
    c.request<AckFrame | ErrorFrame>({ op: 'send', id: nextId(), room, cid, text });

  test('several clients in one room receive every message in the same order with the same positions', async () => {
    const owner = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    const fans = await Promise.all([1, 2, 3].map(() => w.newUser()));
    for (const f of fans) await w.addMember(communityId, f);
    const clients = await Promise.all([owner, ...fans].map((u) => w.connect(u)));
    for (const c of clients) assert.deepEqual((await join(c, room.id)).pos, { epoch: room.epoch, offset: 0 });

    const acks = await Promise.all(
      clients.flatMap((c, i) => [0, 1, 2, 3, 4].map((k) => send(c, room.id, `client ${i} message ${k}`))),
    );
    assert.ok(
      acks.every((a) => a.t === 'ack'),
      JSON.stringify(acks.find((a) => a.t !== 'ack')),
    );
    await until(() => clients.every((c) => received(c, room.id).length === 20), 'all 20 messages everywhere');

    const reference = received(clients[0]!, room.id);
    assert.deepEqual(
      reference.map((m) => m.pos.offset),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    assert.ok(reference.every((m) => m.pos.epoch === room.epoch));
    for (const c of clients) assert.deepEqual(received(c, room.id), reference);
    // Each ack names the position its message has in everyone's stream.
    for (const a of acks as AckFrame[]) {
      const m = reference.find((x) => x.id === a.mid);
      assert.deepEqual(m?.pos, a.pos);
      assert.equal(m?.cid, a.cid);
    }
    for (const c of clients) c.close();
  });

  test('ack carries position and cid; a resend of the same cid is not stored twice', async () => {
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await w.connect(owner);
    await join(c, room.id);
    const first = (await send(c, room.id, 'only once', 'my-cid-1')) as AckFrame;
    assert.equal(first.t, 'ack');
    assert.equal(first.cid, 'my-cid-1');
    assert.equal(first.room, room.id);
    assert.equal(first.duplicate, false);
    assert.deepEqual(first.pos, { epoch: room.epoch, offset: 1 });
    const again = (await send(c, room.id, 'only once', 'my-cid-1')) as AckFrame;
    assert.equal(again.duplicate, true);
    assert.equal(again.mid, first.mid);
    assert.deepEqual(again.pos, first.pos);
    assert.equal(await app.services.store.messages.count(room.id), 1);
    await until(() => received(c, room.id).length >= 1, 'the live copy');
    assert.equal(received(c, room.id).length, 1);
    c.close();
  });

  test('HTML and SQL text are delivered verbatim', async () => {
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await w.connect(owner);
    await join(c, room.id);
    const texts = [`<script>alert("x")</script>`, `Robert'); DROP TABLE messages;--`, `<b>&amp;</b>`];
    for (const t of texts) assert.equal((await send(c, room.id, t)).t, 'ack');
    await until(() => received(c, room.id).length === 3, 'three messages');
    assert.deepEqual(
      received(c, room.id).map((m) => m.text),
      texts,
    );
    c.close();
  });

  test('resume after a dropped connection gets exactly the missed messages', async () => {
    const owner = await w.newUser();
    const fan = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    await w.addMember(communityId, fan);
    const talker = await w.connect(owner);
    await join(talker, room.id);
    const listener = await w.connect(fan);
    await join(listener, room.id);
    for (let i = 0; i < 3; i++) await send(talker, room.id, `before ${i}`);
    await until(() => received(listener, room.id).length === 3, 'first three');
    const last = received(listener, room.id).at(-1)!.pos;
    listener.close();
    await listener.waitClose();

    for (let i = 0; i < 5; i++) await send(talker, room.id, `missed ${i}`);
    const back = await w.connect(fan);
    const joined = await join(back, room.id, last);
    assert.equal(joined.reload, false);
    assert.deepEqual(
      joined.missed.map((m) => m.text),
      ['missed 0', 'missed 1', 'missed 2', 'missed 3', 'missed 4'],
    );
    assert.deepEqual(joined.pos, { epoch: room.epoch, offset: 8 });
    await send(talker, room.id, 'live again');
    await until(() => received(back, room.id).length === 1, 'the live message');
    const all: ChatMessage[] = [...joined.missed, ...received(back, room.id)];
    assert.deepEqual(
      all.map((m) => m.pos.offset),
      [4, 5, 6, 7, 8, 9],
    );
    talker.close();
    back.close();
  });

  test('resume with a wrong epoch answers reload:true', async () => {
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await w.connect(owner);
    await join(c, room.id);
    await send(c, room.id, 'hi');
    const again = await w.connect(owner);
    const joined = await join(again, room.id, { epoch: 'an-epoch-long-gone', offset: 1 });
    assert.equal(joined.reload, true);
    assert.deepEqual(joined.missed, []);
    assert.deepEqual(joined.pos, { epoch: room.epoch, offset: 1 });
    c.close();
    again.close();
  });

  test('re-auth on the same connection replaces the principal; another user is refused with 4003', async () => {
    const owner = await w.newUser();
    const c = await w.connect(owner);
    const fresh = await w.tokenFor(owner);
    const authed = await c.request<AuthedFrame>({ op: 'auth', id: nextId(), token: fresh });
    assert.equal(authed.t, 'authed');
    assert.equal(authed.user.id, owner.id);
    assert.ok(authed.exp > Date.now());
    const other = await w.newUser();
    const err = await c.request<ErrorFrame>({ op: 'auth', id: nextId(), token: other.token });
    assert.equal(err.t, 'error');
    assert.equal(err.code, 'token_invalid');
    assert.equal((await c.waitClose()).code, 4003);
  });

  test('leave stops delivery; viewer counts and stats frames follow join, leave and close', async () => {
    const owner = await w.newUser();
    const fan = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    await w.addMember(communityId, fan);
    const talker = await w.connect(owner);
    const leaver = await w.connect(fan);
    await join(talker, room.id);
    await join(leaver, room.id);
    const counters = app.server.gateway!.counters;
    const viewers = async () => {
      await counters.reportNow();
      return (await app.services.presence.counts([room.id])).get(room.id)!.live.viewers ?? 0;
    };
    assert.equal(await viewers(), 2);
    // The periodic report may have sent one for the first join already: wait for the one with both.
    const stats = await talker.next<StatsFrame>((f) => f.t === 'stats' && f.viewers === 2);
    assert.deepEqual(stats, { t: 'stats', room: room.id, viewers: 2, hearts: 0, heartsPerSecond: 0 });
    const left = await leaver.request<LeftFrame>({ op: 'leave', id: nextId(), room: room.id });
    assert.equal(left.t, 'left');
    await send(talker, room.id, 'after leave');
    await until(() => received(talker, room.id).length === 1, 'talker copy');
    // A ping round trip after the message proves anything for the leaver would have arrived already.
    assert.equal((await leaver.request({ op: 'ping', id: nextId() })).t, 'pong');
    assert.equal(received(leaver, room.id).length, 0);
    assert.equal(await viewers(), 1);
    await talker.next<StatsFrame>((f) => f.t === 'stats' && f.viewers === 1);
    talker.close();
    await talker.waitClose();
    await until(() => app.server.gateway!.connectionCount() <= 1, 'server saw the close');
    assert.equal(await viewers(), 0, 'the leaver left, the talker closed');
    leaver.close();
  });
});
