/**
 * Quotas on creating communities and rooms (issue 8: one new account created 100 communities in 2 s), at their
 * boundaries: the Nth creation in a window passes and the next answers `429 rate_limited` with the wait (until
 * the oldest creation leaves the window); the Nth in all passes and the next answers `403 quota_exceeded`, which
 * no wait lifts. A refused creation (a taken slug) is not counted. Platform admins are exempt. The server's clock
 * is moved, not waited for.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResponse, CommunityView, RoomView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http, loginAdmin, registerUser, uniqueName, type JsonResponse } from '../support/api.ts';
import { shiftableRuntime } from '../support/ws-fixtures.ts';

const HOUR = 3_600_000;
type ErrorBody = {
  error: { code: string; message: string; details?: { retryAfterMs?: number; limit?: number } };
};

describe('creation quotas', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  let adminAuth: AuthResponse;
  before(async () => {
    app = await startLightstick({
      runtime,
      env: {
        LIGHTSTICK_COMMUNITIES_PER_ACCOUNT: '3',
        LIGHTSTICK_COMMUNITY_CREATE_LIMIT: '2',
        LIGHTSTICK_COMMUNITY_CREATE_WINDOW_SEC: '3600',
        LIGHTSTICK_ROOMS_PER_COMMUNITY: '4',
        LIGHTSTICK_ROOM_CREATE_LIMIT: '2',
        LIGHTSTICK_ROOM_CREATE_WINDOW_SEC: '60',
        LIGHTSTICK_LIVE_CREATE_LIMIT: '2',
        LIGHTSTICK_LIVE_CREATE_WINDOW_SEC: '3600',
        // The clock moves by hours: tokens must outlive that.
        LIGHTSTICK_ACCESS_TTL_SEC: '86400',
      },
    });
    runtime.freeze();
    adminAuth = await loginAdmin(app.baseUrl);
  });
  after(() => app.stop());

  const createCommunity = (token: string, slug = uniqueName('q')) =>
    http<CommunityView | ErrorBody>(app.baseUrl, 'POST', '/api/communities', {
      token,
      body: { slug, name: `Quota ${slug}` },
    });
  const createRoom = (token: string, communityId: string) =>
    http<RoomView | ErrorBody>(app.baseUrl, 'POST', `/api/communities/${communityId}/rooms`, {
      token,
      body: { name: uniqueName('room') },
    });
  const refusal = (res: JsonResponse<unknown>) => (res.body as ErrorBody).error;

  test('communities: 2 per hour pass and the 3rd waits; 3 in all pass and the 4th is refused for good', async () => {
    const fan = await registerUser(app.baseUrl);
    const first = await createCommunity(fan.accessToken);
    assert.equal(first.status, 201);
    // A taken slug is refused and not counted.
    const taken = await createCommunity(fan.accessToken, (first.body as CommunityView).slug);
    assert.equal(taken.status, 409);
    assert.equal((await createCommunity(fan.accessToken)).status, 201);

    runtime.advance(10 * 60_000);
    const tooSoon = await createCommunity(fan.accessToken);
    assert.equal(tooSoon.status, 429);
    assert.equal(refusal(tooSoon).code, 'rate_limited');
    // The first creation leaves the window 50 minutes from now.
    assert.equal(refusal(tooSoon).details?.retryAfterMs, HOUR - 10 * 60_000);
    assert.equal(tooSoon.headers.get('retry-after'), String(50 * 60));

    runtime.advance(HOUR - 10 * 60_000 - 1);
    assert.equal((await createCommunity(fan.accessToken)).status, 429, 'one millisecond early');
    runtime.advance(1);
    assert.equal((await createCommunity(fan.accessToken)).status, 201, 'the 3rd in all');

    runtime.advance(10 * HOUR);
    const fourth = await createCommunity(fan.accessToken);
    assert.equal(fourth.status, 403);
    assert.equal(refusal(fourth).code, 'quota_exceeded');
    assert.equal(refusal(fourth).details?.limit, 3);
    assert.equal(fourth.headers.get('retry-after'), null);

    // Someone else has their own quotas; an admin has none.
    const other = await registerUser(app.baseUrl);
    assert.equal((await createCommunity(other.accessToken)).status, 201);
    for (let i = 0; i < 5; i++) assert.equal((await createCommunity(adminAuth.accessToken)).status, 201);
  });

  test('rooms: 2 per minute in a community (its room included), 4 in all; admins are exempt', async () => {
    const owner = await registerUser(app.baseUrl);
    const made = await createCommunity(owner.accessToken);
    assert.equal(made.status, 201);
    const id = (made.body as CommunityView).id;
    // The community room was made a moment ago: one more this minute.
    assert.equal((await createRoom(owner.accessToken, id)).status, 201);
    const tooSoon = await createRoom(owner.accessToken, id);
    assert.equal(tooSoon.status, 429);
    assert.equal(refusal(tooSoon).code, 'rate_limited');
    assert.equal(refusal(tooSoon).details?.retryAfterMs, 60_000);

    runtime.advance(60_000);
    assert.equal((await createRoom(owner.accessToken, id)).status, 201);
    assert.equal((await createRoom(owner.accessToken, id)).status, 201, 'the 4th room in all');
    runtime.advance(60 * 60_000);
    const fifth = await createRoom(owner.accessToken, id);
    assert.equal(fifth.status, 403);
    assert.equal(refusal(fifth).code, 'quota_exceeded');
    assert.equal(refusal(fifth).details?.limit, 4);

    assert.equal((await createRoom(adminAuth.accessToken, id)).status, 201, 'admins are exempt');
    const rooms = await http<{ rooms: RoomView[] }>(app.baseUrl, 'GET', `/api/communities/${id}/rooms`, {
      token: owner.accessToken,
    });
    assert.equal(rooms.body.rooms.length, 5);
  });

  test('lives (each a room and a provider channel): 2 per hour in a community, the 3rd waits; admins are exempt', async () => {
    const owner = await registerUser(app.baseUrl);
    const made = await createCommunity(owner.accessToken);
    const id = (made.body as CommunityView).id;
    const createLive = (token: string) =>
      http<ErrorBody>(app.baseUrl, 'POST', `/api/communities/${id}/lives`, {
        token,
        body: { title: 'Quota live' },
      });
    assert.equal((await createLive(owner.accessToken)).status, 201);
    assert.equal((await createLive(owner.accessToken)).status, 201);
    const third = await createLive(owner.accessToken);
    assert.equal(third.status, 429);
    assert.equal(refusal(third).code, 'rate_limited');
    assert.equal(refusal(third).details?.retryAfterMs, 30 * 60_000, 'one comes back every 60 min / 2');
    assert.equal((await createLive(adminAuth.accessToken)).status, 201, 'admins are exempt');
    runtime.advance(30 * 60_000);
    assert.equal((await createLive(owner.accessToken)).status, 201);
  });
});
