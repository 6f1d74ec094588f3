/**
 * Client SDK resume against a real server: a cut connection, repeated and dropped frames, a lost
 * epoch and a silent link each end with every message delivered exactly once, in order.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Limits, RoomView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { FlakyNet, offsets, signedInUser, texts, until, type TestUser } from '../support/client-support.ts';

describe('client SDK: resume and dedup', () => {
  let srv: InProcess;
  let sender: TestUser;
  const clients: TestUser[] = [];

  /** A fresh room (so offsets start at 1) with the sender joined. */
  async function freshRoom(): Promise<RoomView> {
    const c = await sender.api.createCommunity({
      slug: `resume-${clients.length}-${Date.now() % 100000}`,
      name: 'Resume',
    });
    const room = (await sender.api.listRooms(c.id))[0]!;
    await sender.rt.join(room.id);
    return room;
  }

  async function receiver(room: RoomView, opts: Parameters<typeof signedInUser>[2] = {}): Promise<TestUser> {
    const u = await signedInUser(srv.baseUrl, srv.wsUrl, opts);
    clients.push(u);
    await u.api.joinCommunity(room.communityId);
    u.rt.connect();
    await u.rt.join(room.id);
    return u;
  }

  before(async () => {
    // Frequent server pings let the idle-timeout test tell a silent link from a quiet one.
    // (The harness types limits as the protocol's literal values, hence the cast.)
    srv = await startLightstick({ limits: { heartbeatMs: 200 } as unknown as Partial<typeof Limits> });
    sender = await signedInUser(srv.baseUrl, srv.wsUrl);
    // A creator an admin vouched for: as the owner of its communities it sends at the staff rate.
    await sender.makeCreator();
    clients.push(sender);
    sender.rt.connect();
  });

  after(async () => {
    for (const c of clients) c.rt.close();
    await srv.stop();
  });

  test('every message arrives once and in order across cut connections and repeated frames', async () => {
    const room = await freshRoom();
    const net = new FlakyNet();
    net.inbound = (frame) => (frame.t === 'msgs' ? 'twice' : 'deliver');
    const a = await receiver(room, { net });
    const sent: string[] = [];
    for (let i = 1; i <= 40; i++) {
      sent.push(`m${i}`);
      await sender.rt.send(room.id, `m${i}`);
      if (i === 12 || i === 27) net.cut(); // mid-stream, while the other client keeps sending
    }
    await until(
      a.rt,
      () => (a.received.get(room.id)?.length ?? 0) >= 40 && a.rt.state === 'open',
      'all 40 delivered',
    );
    assert.deepEqual(texts(a.received.get(room.id)), sent);
    assert.deepEqual(
      offsets(a.received.get(room.id)),
      sent.map((_, i) => i + 1),
    );
    assert.ok(net.sockets.length >= 3, 'the client reconnected after each cut');
    assert.equal(a.states.filter((s) => s === 'reconnecting').length >= 2, true);
    assert.equal(a.rt.position(room.id)?.offset, 40);
  });

  test('a dropped frame is seen as a gap and repaired from the held position', async () => {
    const room = await freshRoom();
    const net = new FlakyNet();
    let dropped = false;
    net.inbound = (frame) => {
      if (frame.t === 'msgs' && !dropped && frame.msgs.some((m) => m.text === 'g3')) {
        dropped = true;
        return 'drop';
      }
      return 'deliver';
    };
    const a = await receiver(room, { net });
    for (let i = 1; i <= 6; i++) await sender.rt.send(room.id, `g${i}`);
    await until(a.rt, () => (a.received.get(room.id)?.length ?? 0) >= 6, 'all 6 delivered');
    assert.equal(dropped, true);
    assert.deepEqual(texts(a.received.get(room.id)), ['g1', 'g2', 'g3', 'g4', 'g5', 'g6']);
    assert.equal(net.sockets.length, 1, 'repaired on the same connection');
  });

  test('a position from a lost epoch gives a reload event and live messages continue after it', async () => {
    const room = await freshRoom();
    await sender.rt.send(room.id, 'before');
    const a = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(a);
    await a.api.joinCommunity(room.communityId);
    a.rt.connect();
    const joined = await a.rt.join(room.id, { since: { epoch: 'an-epoch-that-is-gone', offset: 7 } });
    assert.equal(joined.reload, true);
    const reloads = a.events('reload');
    assert.equal(reloads.length, 1);
    assert.deepEqual(reloads[0], { room: room.id, pos: joined.pos });
    assert.notEqual(joined.pos.epoch, 'an-epoch-that-is-gone');
    assert.equal(a.received.get(room.id), undefined, 'nothing from the unknown epoch is delivered');
    await sender.rt.send(room.id, 'after');
    await until(a.rt, () => (a.received.get(room.id)?.length ?? 0) >= 1, 'the next live message');
    assert.deepEqual(texts(a.received.get(room.id)), ['after']);
    assert.equal(a.received.get(room.id)![0]!.pos.offset, joined.pos.offset + 1);
  });

  test('a silent link is given up after the idle timeout and the session resumes', async () => {
    const room = await freshRoom();
    const net = new FlakyNet();
    const a = await receiver(room, { net, idleTimeoutMs: 1500 });
    await sender.rt.send(room.id, 's1');
    await until(a.rt, () => (a.received.get(room.id)?.length ?? 0) >= 1, 's1');
    net.inbound = () => 'drop'; // the server's frames, pings included, stop arriving
    await sender.rt.send(room.id, 's2');
    await until(a.rt, () => a.rt.state === 'reconnecting', 'the client notices the silence');
    net.inbound = () => 'deliver';
    await until(
      a.rt,
      () => (a.received.get(room.id)?.length ?? 0) >= 2 && a.rt.state === 'open',
      's2 after resume',
    );
    assert.deepEqual(texts(a.received.get(room.id)), ['s1', 's2']);
  });
});
