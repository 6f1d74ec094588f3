/**
 * The SDK with several gateway URLs: each reconnect moves on to the next URL, so a dead gateway in the list
 * is passed over and the session resumes where it left off. One real server plus a port nobody listens on.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RealtimeClient } from '@lightstick/client';
import { WebSocket } from 'ws';
import { freePort, startLightstick, type InProcess } from '../support/harness.ts';
import { FlakyNet, offsets, signedInUser, texts, until, type TestUser } from '../support/client-support.ts';

describe('client SDK: several gateway URLs', () => {
  let srv: InProcess;
  let deadUrl: string;
  const clients: TestUser[] = [];

  before(async () => {
    srv = await startLightstick();
    deadUrl = `ws://127.0.0.1:${await freePort()}/ws`; // nothing listens there
  });

  after(async () => {
    for (const c of clients) c.rt.close();
    await srv.stop();
  });

  test('a dead first URL is passed over: the client lands on the next one', async () => {
    const u = await signedInUser(srv.baseUrl, srv.wsUrl, { url: [deadUrl, srv.wsUrl] });
    clients.push(u);
    assert.equal(u.rt.url, deadUrl);
    u.rt.connect();
    await until(u.rt, () => u.rt.state === 'open', 'open on the live gateway');
    assert.equal(u.rt.url, srv.wsUrl);
    assert.deepEqual(u.states.slice(0, 3), ['connecting', 'reconnecting', 'open']);
  });

  test('after a cut the client goes round the list (dead URL included) and resumes every message once', async () => {
    const sender = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(sender);
    sender.rt.connect();
    const c = await sender.api.createCommunity({ slug: `urls-${Date.now() % 100000}`, name: 'URLs' });
    const room = (await sender.api.listRooms(c.id))[0]!;
    await sender.rt.join(room.id);

    const net = new FlakyNet();
    const u = await signedInUser(srv.baseUrl, srv.wsUrl, { url: [srv.wsUrl, deadUrl], net });
    clients.push(u);
    await u.api.joinCommunity(room.communityId);
    u.rt.connect();
    await u.rt.join(room.id);
    const sent: string[] = [];
    for (let i = 1; i <= 20; i++) {
      sent.push(`u${i}`);
      await sender.rt.send(room.id, `u${i}`);
      if (i === 8) net.cut(); // next attempt: the dead URL, then round to the live one
    }
    await until(u.rt, () => (u.received.get(room.id)?.length ?? 0) >= 20, 'all 20 delivered');
    assert.deepEqual(texts(u.received.get(room.id)), sent);
    assert.deepEqual(
      offsets(u.received.get(room.id)),
      sent.map((_, i) => i + 1),
    );
    assert.equal(u.rt.url, srv.wsUrl);
    assert.ok(net.sockets.length >= 3, `three attempts at least (live, dead, live): ${net.sockets.length}`);
  });

  test('an empty URL list is refused at construction', () => {
    assert.throws(
      () => new RealtimeClient({ url: [], getToken: async () => 'x', WebSocket }),
      /at least one WebSocket URL/,
    );
  });
});
