/** Client SDK against a real server: send and ack, resend after a lost ack, rate limits, refusals. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomView } from '@lightstick/protocol';
import type { RealtimeError } from '@lightstick/client';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { FlakyNet, signedInUser, texts, until, type TestUser } from '../support/client-support.ts';

describe('client SDK: sending', () => {
  let srv: InProcess;
  let owner: TestUser;
  let room: RoomView;
  const clients: TestUser[] = [];

  /** A fan of the test community, connected and joined to its room. */
  async function fan(opts: Parameters<typeof signedInUser>[2] = {}): Promise<TestUser> {
    const u = await signedInUser(srv.baseUrl, srv.wsUrl, opts);
    clients.push(u);
    await u.api.joinCommunity(room.communityId);
    u.rt.connect();
    await u.rt.join(room.id);
    return u;
  }

  before(async () => {
    // A small fan bucket (4, refilled at 4/s): a burst of 14 is throttled however slowly the machine runs it
    // (the default bucket of 10 refills at 5/s, so a busy machine could spread 14 sends out enough).
    srv = await startLightstick({ env: { LIGHTSTICK_SEND_RATE_FAN: '4/1s' } });
    owner = await signedInUser(srv.baseUrl, srv.wsUrl, { displayName: '하니' });
    clients.push(owner);
    const c = await owner.api.createCommunity({ slug: 'sdk-send', name: 'SDK send' });
    const rooms = await owner.api.listRooms(c.id);
    room = rooms[0]!;
    owner.rt.connect();
    await owner.rt.join(room.id);
  });

  after(async () => {
    for (const c of clients) c.rt.close();
    await srv.stop();
  });

  test('send resolves with the ack and every member gets the message once', async () => {
    const b = await fan();
    const ack = await owner.rt.send(room.id, 'hello 안녕 💜');
    assert.equal(ack.duplicate, false);
    await until(b.rt, () => (b.received.get(room.id)?.length ?? 0) >= 1, 'fan receives the message');
    await until(
      owner.rt,
      () => (owner.received.get(room.id)?.length ?? 0) >= 1,
      'owner receives its own message',
    );
    const [got] = b.received.get(room.id)!;
    assert.equal(got!.id, ack.mid);
    assert.deepEqual(got!.pos, ack.pos);
    assert.equal(got!.text, 'hello 안녕 💜');
    assert.equal(got!.user.displayName, '하니');
    assert.equal(got!.role, 'owner');
    assert.equal(got!.priority, true);
    assert.deepEqual(texts(owner.received.get(room.id)), ['hello 안녕 💜']);
    assert.equal(owner.rt.pendingSends, 0);
  });

  test('a send whose ack is lost is resent after the reconnect and stored once', async () => {
    const net = new FlakyNet();
    const a = await fan({ net });
    let cut = false;
    net.inbound = (frame, n) => {
      if (frame.t !== 'ack' || cut) return 'deliver';
      cut = true; // the server stored the message; its ack never reaches the client
      n.cut();
      return 'drop';
    };
    const ack = await a.rt.send(room.id, 'stored exactly once');
    assert.equal(cut, true);
    assert.equal(ack.duplicate, true, 'the resend under the same cid was recognised');
    assert.ok(a.states.includes('reconnecting'));
    await until(
      a.rt,
      () => texts(a.received.get(room.id)).includes('stored exactly once'),
      'the message reaches its sender',
    );
    assert.equal(texts(a.received.get(room.id)).filter((t) => t === 'stored exactly once').length, 1);
    // The archive is written behind: wait until it has the message, then count.
    let archived: string[] = [];
    for (let i = 0; i < 100 && !archived.includes('stored exactly once'); i++) {
      archived = (await a.api.messages(room.id, { limit: 200 })).messages.map((m) => m.text);
      if (!archived.includes('stored exactly once')) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(archived.filter((t) => t === 'stored exactly once').length, 1);
  });

  test('rate-limited sends are retried by the client until every one is acked', async () => {
    const b = await fan();
    const words = Array.from({ length: 14 }, (_, i) => `burst ${i}`);
    const acks = await Promise.all(words.map((w) => b.rt.send(room.id, w)));
    assert.ok(b.events('throttled').length > 0, 'the server rate-limited part of the burst');
    assert.equal(new Set(acks.map((a) => a.mid)).size, words.length);
    assert.ok(acks.every((a) => !a.duplicate));
    await until(
      b.rt,
      () => texts(b.received.get(room.id)).filter((t) => t.startsWith('burst ')).length === words.length,
      'all arrive',
    );
    assert.deepEqual(
      texts(b.received.get(room.id))
        .filter((t) => t.startsWith('burst '))
        .sort(),
      [...words].sort(),
    );
  });

  test('a message over the limit, an empty one, or one for a room not joined is refused', async () => {
    const tooLong = '가'.repeat(501);
    await assert.rejects(
      owner.rt.send(room.id, tooLong),
      (e: RealtimeError) => e.code === 'message_too_long',
    );
    await assert.rejects(owner.rt.send(room.id, '   '), (e: RealtimeError) => e.code === 'validation_failed');
    await assert.rejects(owner.rt.send('no-such-room', 'hi'), (e: RealtimeError) => e.code === 'not_joined');
    // 500 grapheme clusters is within the limit, however many code units they take.
    const ack = await owner.rt.send(room.id, '👩‍👩‍👧'.repeat(100));
    assert.equal(ack.duplicate, false);
  });

  test('joining a room that does not exist rejects with the server code', async () => {
    await assert.rejects(
      owner.rt.join('00000000-0000-4000-8000-000000000000'),
      (e: RealtimeError) => e.code === 'not_found',
    );
    assert.equal(owner.rt.state, 'open');
  });
});
