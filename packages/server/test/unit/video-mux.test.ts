/**
 * The Mux adapter through the real @mux/mux-node SDK against the local Mux stand-in (request shapes, Basic
 * auth, rotation order), its webhooks with signatures made here as Mux makes them, and signed playback
 * verified with the signing key's public half.
 */
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { AppError } from '../../src/errors.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { setUpMux, type MuxSetup } from '../support/fakes/mux-harness.ts';

const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

describe('Mux', () => {
  let s: MuxSetup | undefined;
  afterEach(async () => {
    if (s) assert.deepEqual(s.fake.problems, []);
    await s?.close();
    s = undefined;
  });

  test('a members-only live stream is created low-latency with a signed playback policy', async () => {
    s = await setUpMux();
    const liveId = randomUUID();
    const ch = await s.provider.createChannel({ liveId, title: 'x', access: 'members' });
    const req = s.fake.requests[0]!;
    assert.equal(`${req.method} ${req.path}`, 'POST /video/v1/live-streams');
    assert.deepEqual(req.json, {
      playback_policies: ['signed'],
      latency_mode: 'low',
      passthrough: liveId,
      new_asset_settings: { playback_policies: ['signed'] },
    });
    assert.equal(ch.meta.playbackPolicy, 'signed');
    assert.equal(ch.ingest.url, 'rtmps://global-live.mux.com:443/app');
  });

  test('rotation disables (ends the publish), resets the key and enables again', async () => {
    s = await setUpMux();
    const ch = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'public' });
    s.fake.requests.length = 0;
    await s.provider.rotateKey(ch);
    assert.deepEqual(
      s.fake.requests.map((r) => `${r.method} ${r.path.replace(ch.channelId, ':id')}`),
      [
        'PUT /video/v1/live-streams/:id/disable',
        'POST /video/v1/live-streams/:id/reset-stream-key',
        'PUT /video/v1/live-streams/:id/enable',
      ],
    );
  });

  test('signed playback: RS256 with the key id, aud v, sub the playback id, exp from the injected clock', async () => {
    const clock = fakeClock(Date.now());
    s = await setUpMux({ runtime: clock });
    const ch = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'members' });
    const grant = await s.provider.playback(ch, { userId: 'u', liveId: 'l', access: 'members' }, 900);
    const url = new URL(grant.url);
    assert.equal(`${url.origin}${url.pathname}`, `https://stream.mux.com/${ch.meta.playbackId}.m3u8`);
    const token = url.searchParams.get('token')!;
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', typ: 'JWT', kid: s.signingKeyId });
    const { payload } = await jwtVerify(token, await importSPKI(s.publicKeyPem, 'RS256'), {
      currentDate: new Date(clock.now()),
    });
    const exp = Math.floor(clock.now() / 1000) + 900;
    assert.deepEqual(payload, { kid: s.signingKeyId, sub: ch.meta.playbackId, aud: 'v', exp });
    assert.equal(grant.expiresAt, exp * 1000);
  });

  test('a public live stream plays from its public playback id without a token', async () => {
    s = await setUpMux();
    const ch = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'public' });
    const grant = await s.provider.playback(ch, { userId: 'u', liveId: 'l', access: 'public' }, 60);
    assert.equal(grant.url, `https://stream.mux.com/${ch.meta.playbackId}.m3u8`);
  });

  test('an API error is provider_error without the token secret, in the answer and the log', async () => {
    s = await setUpMux();
    s.fake.failNext(/./, {
      status: 500,
      body: { error: { type: 'internal', messages: [s.fake.tokenSecret] } },
    });
    const err = await s.provider.status({ channelId: 'abc', meta: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof AppError && err.code === 'provider_error');
    assert.equal(err.message, 'Mux answered 500 (internal) to read the live stream; try again later');
    for (const text of [err.message, JSON.stringify(err), s.logs.text()])
      assert.ok(!text.includes(s.fake.tokenSecret));
  });
});

describe('Mux webhooks', () => {
  let s: MuxSetup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const body = (type: string, at = Date.now()) =>
    s!.webhookBody({ id: randomUUID(), type, channelId: 'LS1', at });

  test('active starts, disconnected and idle stop, other kinds give nothing', async () => {
    s = await setUpMux();
    const at = Date.parse('2026-05-01T10:00:00.123Z');
    const got = await s.provider.parseEvents(
      s.signed(s.webhookBody({ id: 'ev1', type: 'video.live_stream.active', channelId: 'LS1', at })),
    );
    assert.deepEqual(got, [{ id: 'ev1', channelId: 'LS1', type: 'started', at }]);
    for (const t of ['video.live_stream.disconnected', 'video.live_stream.idle']) {
      assert.equal((await s.provider.parseEvents(s.signed(body(t))))[0]?.type, 'stopped');
    }
    for (const t of ['video.live_stream.connected', 'video.live_stream.recording', 'video.asset.ready']) {
      assert.deepEqual(await s.provider.parseEvents(s.signed(body(t))), []);
    }
  });

  test('a missing, malformed or wrong signature is forbidden; one match among several (secret rotation) passes', async () => {
    s = await setUpMux();
    const b = body('video.live_stream.active');
    const good = s.signed(b);
    await assert.rejects(s.provider.parseEvents({ ...good, headers: {} }), code('forbidden'));
    await assert.rejects(
      s.provider.parseEvents({ ...good, headers: { 'mux-signature': 'v1=abc' } }),
      code('forbidden'),
    );
    await assert.rejects(s.provider.parseEvents(s.signed(b, { secret: 'other' })), code('forbidden'));
    await assert.rejects(
      s.provider.parseEvents({ ...good, body: Buffer.from(b.replace('LS1', 'LS2')) }),
      code('forbidden'),
    );
    const wrong = s.signed(b, { secret: 'old' }).headers['mux-signature'] as string;
    const both = `${good.headers['mux-signature'] as string},${wrong.split(',')[1]!}`;
    assert.equal((await s.provider.parseEvents({ ...good, headers: { 'mux-signature': both } })).length, 1);
  });

  test('a timestamp outside the tolerance, past or future, is forbidden', async () => {
    s = await setUpMux();
    const now = Math.floor(Date.now() / 1000);
    await assert.rejects(
      s.provider.parseEvents(s.signed(body('video.live_stream.active'), { t: now - 301 })),
      code('forbidden'),
    );
    await assert.rejects(
      s.provider.parseEvents(s.signed(body('video.live_stream.active'), { t: now + 301 })),
      code('forbidden'),
    );
    assert.equal(
      (await s.provider.parseEvents(s.signed(body('video.live_stream.active'), { t: now - 290 }))).length,
      1,
    );
  });

  test('a signed body that is not a Mux event is bad_request', async () => {
    s = await setUpMux();
    await assert.rejects(s.provider.parseEvents(s.signed('not json')), code('bad_request'));
    await assert.rejects(
      s.provider.parseEvents(s.signed('{"type":"video.live_stream.active"}')),
      code('bad_request'),
    );
    const noStream = JSON.stringify({
      type: 'video.live_stream.active',
      id: 'e',
      created_at: new Date().toISOString(),
    });
    await assert.rejects(s.provider.parseEvents(s.signed(noStream)), code('bad_request'));
  });

  test('without a webhook secret configured every delivery is forbidden', async () => {
    s = await setUpMux({ env: { LIGHTSTICK_MUX_WEBHOOK_SECRET: '' } });
    await assert.rejects(
      s.provider.parseEvents(s.signed(body('video.live_stream.active'))),
      code('forbidden'),
    );
  });
});
