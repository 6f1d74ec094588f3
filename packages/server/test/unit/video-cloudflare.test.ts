/**
 * The Cloudflare Stream adapter's REST calls against the local live-inputs stand-in (paths, bearer token,
 * bodies; rotation by replacing the live input), live input notifications and Stream webhooks with their
 * secrets and signatures, and signed playback URLs verified with the signing key's public half.
 */
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { AppError } from '../../src/errors.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { setUpCloudflare, type CloudflareSetup } from '../support/fakes/cloudflare-harness.ts';

const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;

describe('Cloudflare Stream', () => {
  let s: CloudflareSetup | undefined;
  afterEach(async () => {
    if (s) assert.deepEqual(s.fake.problems, []);
    await s?.close();
    s = undefined;
  });
  const path = (s: CloudflareSetup, uid = '') =>
    `/client/v4/accounts/${s.fake.accountId}/stream/live_inputs${uid ? `/${uid}` : ''}`;

  test('a members-only live input is recorded and requires signed URLs', async () => {
    s = await setUpCloudflare();
    const liveId = randomUUID();
    const ch = await s.provider.createChannel({ liveId, title: 'Fan meeting', access: 'members' });
    const req = s.fake.requests[0]!;
    assert.equal(`${req.method} ${req.path}`, `POST ${path(s)}`);
    assert.deepEqual(req.json, {
      meta: { name: 'Fan meeting', lightstickLive: liveId },
      recording: { mode: 'automatic', requireSignedURLs: true },
    });
    assert.deepEqual(ch.ingest, {
      url: 'rtmps://live.cloudflare.com:443/live/',
      streamKey: s.fake.inputs.get(ch.channelId)!.streamKey,
    });
    assert.deepEqual(ch.meta, { signed: 'true' });
  });

  test('rotation replaces the live input: a new one with the same settings, the old one deleted', async () => {
    s = await setUpCloudflare();
    const ch = await s.provider.createChannel({ liveId: 'l1', title: 'x', access: 'members' });
    s.fake.requests.length = 0;
    const rotated = await s.provider.rotateKey(ch);
    assert.notEqual(rotated.channelId, ch.channelId);
    assert.deepEqual(
      s.fake.requests.map((r) => `${r.method} ${r.path}`),
      [`GET ${path(s, ch.channelId)}`, `POST ${path(s)}`, `DELETE ${path(s, ch.channelId)}`],
    );
    assert.deepEqual(s.fake.requests[1]!.json, {
      meta: { name: 'x', lightstickLive: 'l1' },
      recording: { mode: 'automatic', requireSignedURLs: true },
    });
    assert.equal(s.fake.inputs.has(ch.channelId), false);
    assert.equal(rotated.meta.signed, 'true');
  });

  test('when the old input cannot be deleted the new one is taken back and the channel stays as it was', async () => {
    s = await setUpCloudflare();
    const ch = await s.provider.createChannel({ liveId: 'l1', title: 'x', access: 'public' });
    s.fake.failNext(/live_inputs\/[0-9a-f]{32}$/, {
      status: 200,
      body: { success: true, result: { uid: ch.channelId } },
    });
    s.fake.failNext(new RegExp(`${ch.channelId}$`), {
      status: 500,
      body: { success: false, errors: [{ code: 10002 }] },
    });
    await assert.rejects(s.provider.rotateKey(ch), code('provider_error'));
    assert.deepEqual([...s.fake.inputs.keys()], [ch.channelId]);
  });

  test('revocation disables the input; status reads its connection state', async () => {
    s = await setUpCloudflare();
    const ch = await s.provider.createChannel({ liveId: 'l1', title: 'x', access: 'public' });
    s.fake.publish(ch.ingest.streamKey);
    assert.equal((await s.provider.status(ch)).live, true);
    await s.provider.revokeKey(ch);
    const put = s.fake.requests.at(-1)!;
    assert.equal(`${put.method} ${put.path}`, `PUT ${path(s, ch.channelId)}`);
    assert.deepEqual(put.json, { enabled: false });
    assert.equal((await s.provider.status(ch)).live, false);
    await assert.rejects(s.provider.ingest(ch), code('conflict'));
  });

  test('signed playback: RS256 token with kid and sub the input uid in place of the uid', async () => {
    const clock = fakeClock(Date.now());
    s = await setUpCloudflare({ runtime: clock });
    const ch = await s.provider.createChannel({ liveId: 'l1', title: 'x', access: 'members' });
    const grant = await s.provider.playback(ch, { userId: 'u', liveId: 'l1', access: 'members' }, 600);
    const m =
      /^https:\/\/customer-f33zs165nr7gyfy4\.cloudflarestream\.com\/([^/]+)\/manifest\/video\.m3u8$/.exec(
        grant.url,
      );
    assert.ok(m, grant.url);
    const token = m[1]!;
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'RS256', kid: s.signingKeyId });
    const { payload } = await jwtVerify(token, await importSPKI(s.publicKeyPem, 'RS256'), {
      currentDate: new Date(clock.now()),
    });
    const nowSec = Math.floor(clock.now() / 1000);
    assert.deepEqual(payload, {
      kid: s.signingKeyId,
      sub: ch.channelId,
      exp: nowSec + 600,
      nbf: nowSec - 60,
    });
    assert.equal(grant.expiresAt, (nowSec + 600) * 1000);
  });

  test('an API error is provider_error carrying neither the token nor the message Cloudflare sent', async () => {
    s = await setUpCloudflare();
    s.fake.failNext(/./, {
      status: 403,
      body: { success: false, errors: [{ code: 10000, message: `bad token ${s.fake.apiToken}` }] },
    });
    const err = await s.provider.createChannel({ liveId: 'l', title: 'x', access: 'public' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof AppError && err.code === 'provider_error');
    assert.equal(
      err.message,
      'Cloudflare Stream answered 403 (code 10000) to create a live input; try again later',
    );
    for (const text of [err.message, JSON.stringify(err), s.logs.text()])
      assert.ok(!text.includes(s.fake.apiToken));
  });
});

describe('Cloudflare deliveries', () => {
  let s: CloudflareSetup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const note = (eventType: string, extra: { at?: number; ts?: number } = {}) =>
    s!.notification({
      inputId: 'a'.repeat(32),
      eventType,
      at: extra.at ?? Date.now(),
      ...(extra.ts ? { ts: extra.ts } : {}),
    });

  test('live input notifications with the destination secret: connected starts, disconnected and errored stop', async () => {
    s = await setUpCloudflare();
    const at = Date.parse('2026-05-01T10:00:00.123Z');
    const got = await s.provider.parseEvents(
      s.withAuth(note('live_input.connected', { at }), s.notificationSecret),
    );
    assert.deepEqual(got, [
      {
        id: `${'a'.repeat(32)}:live_input.connected:2026-05-01T10:00:00.123000000Z`,
        channelId: 'a'.repeat(32),
        type: 'started',
        at,
      },
    ]);
    for (const t of ['live_input.disconnected', 'live_input.errored']) {
      assert.equal(
        (await s.provider.parseEvents(s.withAuth(note(t), s.notificationSecret)))[0]?.type,
        'stopped',
      );
    }
    assert.deepEqual(
      await s.provider.parseEvents(s.withAuth(note('live_input.something_new'), s.notificationSecret)),
      [],
    );
  });

  test('a notification without or with a wrong cf-webhook-auth, or stale, is forbidden; malformed is bad_request', async () => {
    s = await setUpCloudflare();
    await assert.rejects(
      s.provider.parseEvents(s.withAuth(note('live_input.connected'), undefined)),
      code('forbidden'),
    );
    await assert.rejects(
      s.provider.parseEvents(s.withAuth(note('live_input.connected'), 'guess')),
      code('forbidden'),
    );
    const stale = note('live_input.connected', { ts: Math.floor(Date.now() / 1000) - 3600 });
    await assert.rejects(s.provider.parseEvents(s.withAuth(stale, s.notificationSecret)), code('forbidden'));
    await assert.rejects(s.provider.parseEvents(s.withAuth('{', s.notificationSecret)), code('bad_request'));
    await assert.rejects(
      s.provider.parseEvents(s.withAuth('{"data":{}}', s.notificationSecret)),
      code('bad_request'),
    );
  });

  test('Stream webhooks are verified by Webhook-Signature and give no live event', async () => {
    s = await setUpCloudflare();
    const video = JSON.stringify({ uid: 'b'.repeat(32), readyToStream: true, status: { state: 'ready' } });
    assert.deepEqual(await s.provider.parseEvents(s.streamWebhook(video)), []);
    await assert.rejects(
      s.provider.parseEvents(s.streamWebhook(video, { secret: 'wrong' })),
      code('forbidden'),
    );
    const old = Math.floor(Date.now() / 1000) - 3600;
    await assert.rejects(s.provider.parseEvents(s.streamWebhook(video, { time: old })), code('forbidden'));
  });
});
