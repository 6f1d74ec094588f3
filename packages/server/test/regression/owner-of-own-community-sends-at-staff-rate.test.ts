/**
 * Any new account could make a community and, as its owner, send without limit (the artists' and owners' bucket
 * is off by default) and hand moderator or artist to its other accounts: one account stored 108 maximum-size
 * messages a second. Staff rates are now platform trust: in a fan-made community (made by an account without the
 * creator flag) the owner and the roles it hands out send at the fan rate; in a community made by a creator an
 * admin vouched for, the owner and the staff it appoints keep theirs; platform admins keep theirs everywhere.
 * The server's clock is frozen, so no bucket refills during the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, AuthResponse, ErrorFrame, ServerFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, joinCommunity, loginAdmin, registerUser } from '../support/api.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, shiftableRuntime } from '../support/ws-fixtures.ts';

const FAN = 3;
const MODERATOR = 6;

describe('regression: the owner of a community it made itself sends at the staff rate', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  let admin: AuthResponse;
  const clients: WsTestClient[] = [];
  before(async () => {
    app = await startLightstick({
      runtime,
      env: {
        LIGHTSTICK_SEND_RATE_FAN: `${FAN}/60s`,
        LIGHTSTICK_SEND_RATE_MODERATOR: `${MODERATOR}/60s`,
        LIGHTSTICK_SEND_RATE_ARTIST: 'off',
      },
    });
    runtime.freeze();
    admin = await loginAdmin(app.baseUrl);
  });
  after(async () => {
    for (const c of clients) c.close();
    await app.stop();
  });

  /** How many of `n` sends are acknowledged before the first refusal, and that refusal's code. */
  async function burst(
    token: string,
    room: string,
    n: number,
  ): Promise<{ acked: AckFrame[]; refused?: string }> {
    const c = await WsTestClient.authed(app.wsUrl, token);
    clients.push(c);
    await join(c, room);
    const acked: AckFrame[] = [];
    for (let i = 0; i < n; i++) {
      const f = await c.request<ServerFrame>({
        op: 'send',
        id: nextId(),
        room,
        cid: `b${nextId()}`,
        text: `hi ${i}`,
      });
      if (f.t !== 'ack') return { acked, refused: (f as ErrorFrame).code };
      acked.push(f);
    }
    return { acked };
  }

  const setRole = (token: string, communityId: string, userId: string, role: string) =>
    http(app.baseUrl, 'PUT', `/api/communities/${communityId}/members/${userId}`, { token, body: { role } });

  test('in a fan-made community the owner and the staff it appoints send at the fan rate', async () => {
    const owner = await registerUser(app.baseUrl);
    const { community, room } = await createCommunity(app.baseUrl, owner.accessToken);
    assert.equal(community.fanMade, true);
    const mine = await burst(owner.accessToken, room.id, FAN + 5);
    assert.deepEqual([mine.acked.length, mine.refused], [FAN, 'rate_limited']);
    // Still the owner: the badge and the priority lane stay, only the bucket is the fans'.
    assert.equal((await lastMessage(room.id))?.role, 'owner');
    assert.equal(mine.acked[0]?.t, 'ack');

    for (const role of ['moderator', 'artist']) {
      const sock = await registerUser(app.baseUrl);
      await joinCommunity(app.baseUrl, sock.accessToken, community.id);
      assert.equal((await setRole(owner.accessToken, community.id, sock.user.id, role)).status, 200);
      const theirs = await burst(sock.accessToken, room.id, FAN + 5);
      assert.deepEqual([role, theirs.acked.length, theirs.refused], [role, FAN, 'rate_limited']);
    }

    // A platform admin sends at the staff rate everywhere.
    const admins = await burst(admin.accessToken, room.id, FAN + 5);
    assert.deepEqual([admins.acked.length, admins.refused], [FAN + 5, undefined]);
  });

  test('in a community made by a creator an admin vouched for, owner and appointed staff keep their rates', async () => {
    const creator = await registerUser(app.baseUrl);
    const granted = await http(app.baseUrl, 'PUT', `/api/admin/users/${creator.user.id}/creator`, {
      token: admin.accessToken,
      body: { creator: true },
    });
    assert.equal(granted.status, 200);
    const { community, room } = await createCommunity(app.baseUrl, creator.accessToken);
    assert.equal(community.fanMade, false);
    const owners = await burst(creator.accessToken, room.id, FAN + 5);
    assert.deepEqual([owners.acked.length, owners.refused], [FAN + 5, undefined]);

    const mod = await registerUser(app.baseUrl);
    await joinCommunity(app.baseUrl, mod.accessToken, community.id);
    assert.equal((await setRole(creator.accessToken, community.id, mod.user.id, 'moderator')).status, 200);
    const mods = await burst(mod.accessToken, room.id, MODERATOR + 5);
    assert.deepEqual([mods.acked.length, mods.refused], [MODERATOR, 'rate_limited']);

    const fan = await registerUser(app.baseUrl);
    await joinCommunity(app.baseUrl, fan.accessToken, community.id);
    const fans = await burst(fan.accessToken, room.id, FAN + 5);
    assert.deepEqual([fans.acked.length, fans.refused], [FAN, 'rate_limited']);
  });

  async function lastMessage(room: string) {
    const page = await http<{ messages: { role: string }[] }>(
      app.baseUrl,
      'GET',
      `/api/rooms/${room}/messages`,
      {
        token: admin.accessToken,
      },
    );
    return page.body.messages.at(-1);
  }
});
