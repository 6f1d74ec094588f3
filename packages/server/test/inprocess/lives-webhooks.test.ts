/**
 * Provider events drive lives: a real server with a test provider (real HMAC signatures made here). Verified
 * events change state and announce it; missing or bad signatures, replays and stale timestamps are refused
 * and change nothing; events for unknown channels are ignored; out-of-order events leave the state the newest
 * says; the reconciler repairs missing events from the provider's status; provider API errors reach the
 * creator with a stable code; an unconfigured provider is a clear error.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { LiveView, MessagePage, WebhookAnswer } from '@lightstick/protocol';
import { AppError } from '../../src/errors.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';
import { eventually, liveState, untilState } from '../support/live-support.ts';
import { TestProvider } from '../support/test-provider.ts';
import { signedInUser } from '../support/client-support.ts';

// Long enough that a few webhook round trips fit inside it on a busy machine.
const GRACE_MS = 3000;

describe('lives driven by provider events', () => {
  let app: InProcess;
  let base: string;
  let owner: string;
  let communityId: string;
  const provider = new TestProvider();
  // Provider time: any clock the provider keeps; status answers default to time 0 (older than every event).
  let clock = 1_000_000;
  const at = () => (clock += 1000);

  before(async () => {
    app = await startLightstick({
      providers: [provider],
      env: { LIGHTSTICK_LIVE_GRACE_MS: String(GRACE_MS), LIGHTSTICK_LIVE_RECONCILE_MS: '200' },
    });
    base = app.baseUrl;
    owner = (await registerUser(base)).accessToken;
    communityId = (await createCommunity(base, owner)).community.id;
  });
  after(() => app?.stop());

  const newLive = async (): Promise<LiveView> => {
    const r = await http<LiveView>(base, 'POST', `/api/communities/${communityId}/lives`, {
      token: owner,
      body: { title: 'comeback', provider: 'mux' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.provider, 'mux');
    return r.body;
  };
  const channelOf = async (l: LiveView) => (await app.services.store.lives.byId(l.id))!.channelId;
  const post = (headers: Record<string, string>, raw: string, provider = 'mux') =>
    fetch(`${base}/api/providers/${provider}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: raw,
    });
  const send = async (events: Parameters<TestProvider['deliver']>[0]) => {
    const d = provider.deliver(events);
    const r = await post(d.headers, d.raw);
    return { status: r.status, body: (await r.json()) as WebhookAnswer & { error?: { code: string } } };
  };
  const version = async (l: LiveView) => (await app.services.store.lives.byId(l.id))!.version;
  const systemMessages = async (l: LiveView) => {
    const r = await http<MessagePage>(base, 'GET', `/api/rooms/${l.roomId}/messages`, { token: owner });
    return r.body.messages.filter((m) => m.role === 'system').map((m) => m.text);
  };

  test('a verified started event puts the live on air and posts the system message', async () => {
    const live = await newLive();
    const r = await send([{ id: randomUUID(), channel: await channelOf(live), type: 'started', at: at() }]);
    assert.deepEqual(r.body, { accepted: 1, duplicates: 0, ignored: 0 });
    assert.equal((await liveState(base, owner, live.id)).state, 'live');
    await eventually(
      async () => ((await systemMessages(live)).includes('The live has started.') ? true : undefined),
      'system message',
    );
  });

  test('a replayed delivery is refused with conflict and changes nothing', async () => {
    const live = await newLive();
    const e = { id: randomUUID(), channel: await channelOf(live), type: 'started' as const, at: at() };
    const d = provider.deliver([e]);
    assert.equal((await post(d.headers, d.raw)).status, 200);
    const v = await version(live);
    const replay = await post(d.headers, d.raw);
    assert.equal(replay.status, 409);
    assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'conflict');
    assert.equal(await version(live), v);
    assert.equal((await systemMessages(live)).length, 1);
  });

  test('missing, bad or stale signatures and bodies of the wrong shape are refused and change nothing', async () => {
    const live = await newLive();
    const events = [{ id: randomUUID(), channel: await channelOf(live), type: 'started' as const, at: at() }];
    const good = provider.deliver(events);
    const cases: [Record<string, string>, string, number][] = [
      [{}, good.raw, 403],
      [{ 'x-test-signature': 'garbage' }, good.raw, 403],
      [provider.deliver(events, { secret: 'wrong' }).headers, good.raw, 403],
      [good.headers, good.raw.replace('started', 'stopped'), 403],
      [provider.deliver(events, { t: Math.floor(Date.now() / 1000) - 3600 }).headers, good.raw, 403],
    ];
    for (const [headers, raw, status] of cases) assert.equal((await post(headers, raw)).status, status);
    // A signature over another body, then a correctly signed body that is not the provider's shape.
    assert.equal((await post(provider.deliver([]).headers, 'not json')).status, 403);
    assert.equal((await post(provider.sign('not json'), 'not json')).status, 400);
    assert.equal((await liveState(base, owner, live.id)).state, 'scheduled');
    assert.equal(await version(live), 0);
  });

  test('an event for an unknown channel is ignored; unconfigured providers have no webhook', async () => {
    const r = await send([{ id: randomUUID(), channel: 'tp-unknown', type: 'started', at: at() }]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { accepted: 0, duplicates: 0, ignored: 1 });
    assert.equal((await post({}, '{}', 'ivs')).status, 404);
    assert.equal((await post({}, '{}', 'local')).status, 404);
  });

  test('events out of order leave the state the newest one says', async () => {
    const a = await newLive();
    const ca = await channelOf(a);
    const [t1, t2, t3] = [at(), at(), at()];
    // Newest first: stopped (t3) arrives before the started (t2) it follows; the late started is stale.
    await send([{ id: randomUUID(), channel: ca, type: 'started', at: t1 }]);
    await send([{ id: randomUUID(), channel: ca, type: 'stopped', at: t3 }]);
    await send([{ id: randomUUID(), channel: ca, type: 'started', at: t2 }]);
    assert.equal((await liveState(base, owner, a.id)).state, 'reconnecting');
    await untilState(base, owner, a.id, 'ended', 10_000);

    const b = await newLive();
    const cb = await channelOf(b);
    const [u1, u2] = [at(), at()];
    // One delivery, listed out of order: applied by timestamp, so the publisher is on air at the end.
    const r = await send([
      { id: randomUUID(), channel: cb, type: 'started', at: u2 },
      { id: randomUUID(), channel: cb, type: 'stopped', at: u1 },
    ]);
    assert.equal(r.body.accepted, 2);
    assert.equal((await liveState(base, owner, b.id)).state, 'live');
  });

  test('the reconciler repairs missing events from the provider status', async () => {
    const live = await newLive();
    provider.statusAt = at();
    provider.channels.get(await channelOf(live))!.live = true;
    await untilState(base, owner, live.id, 'live', 10_000);
    provider.statusAt = at();
    provider.channels.get(await channelOf(live))!.live = false;
    await untilState(base, owner, live.id, 'ended', 10_000);
    assert.equal(provider.channels.get(await channelOf(live))!.revoked, true, 'key revoked at the end');
  });

  test('the SDK: staff run a live with ApiClient; RealtimeClient reports its state changes', async () => {
    const staff = await signedInUser(base, app.wsUrl);
    const c = await staff.api.createCommunity({ slug: `sdk-${Date.now() % 100000}`, name: 'sdk' });
    const room = (await staff.api.listRooms(c.id))[0]!;
    staff.rt.connect();
    await staff.rt.join(room.id);
    assert.deepEqual(await staff.api.providers(), { providers: ['local', 'mux'], default: 'local' });
    const l = await staff.api.createLive(c.id, { title: 'sdk live', provider: 'mux' });
    assert.ok(l.ingest?.streamKey);
    assert.equal((await staff.api.listLives(c.id))[0]?.id, l.id);
    await send([{ id: randomUUID(), channel: await channelOf(l), type: 'started', at: at() }]);
    const e = await eventually(() => staff.events('live').find((x) => x.live.state === 'live'), 'live event');
    assert.deepEqual([e.room, e.live.id], [room.id, l.id]);
    assert.match((await staff.api.playback(l.id)).url, /^https:\/\/stream\.test\//);
    assert.notEqual((await staff.api.rotateLiveKey(l.id)).ingest?.streamKey, l.ingest?.streamKey);
    assert.equal((await staff.api.endLive(l.id)).state, 'ended');
    await eventually(() => staff.events('live').find((x) => x.live.state === 'ended'), 'ended event');
    assert.equal((await staff.api.getLive(l.id)).state, 'ended');
    staff.rt.close();
  });

  test('a provider API error reaches the creator as provider_error; an unconfigured provider is refused', async () => {
    provider.failNext = {
      op: 'createChannel',
      error: new AppError('provider_error', 'Mux refused: live stream quota reached'),
    };
    const r = await http<{ error: { code: string; message: string } }>(
      base,
      'POST',
      `/api/communities/${communityId}/lives`,
      { token: owner, body: { title: 'x', provider: 'mux' } },
    );
    assert.equal(r.status, 502);
    assert.deepEqual(r.body.error, {
      code: 'provider_error',
      message: 'Mux refused: live stream quota reached',
    });
    provider.failNext = { op: 'createChannel', error: new TypeError('fetch failed') };
    const live = await newLive().catch(() => undefined);
    assert.equal(live, undefined);
    const ok = await newLive();
    provider.failNext = { op: 'rotateKey', error: new TypeError('socket hang up') };
    const rot = await http<{ error: { code: string } }>(base, 'POST', `/api/lives/${ok.id}/key`, {
      token: owner,
    });
    assert.equal(rot.status, 502);
    assert.equal(rot.body.error.code, 'provider_error');
    const ivs = await http<{ error: { code: string; details: { field: string } } }>(
      base,
      'POST',
      `/api/communities/${communityId}/lives`,
      { token: owner, body: { title: 'x', provider: 'ivs' } },
    );
    assert.equal(ivs.status, 400);
    assert.equal(ivs.body.error.code, 'validation_failed');
    assert.equal(ivs.body.error.details.field, 'provider');
  });
});
