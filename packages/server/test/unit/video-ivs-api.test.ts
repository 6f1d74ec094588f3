/**
 * The IVS adapter's API calls through the real @aws-sdk/client-ivs against the local IVS stand-in: request
 * shapes and SigV4 (a wrong secret is caught by the stand-in), playback key import, rotation order, and
 * members-only ES384 playback tokens verified with the public key.
 */
import { describe, test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { AppError } from '../../src/errors.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { setUpIvs, type IvsSetup } from '../support/fakes/ivs-harness.ts';

const code = (c: string) => (err: unknown) => err instanceof AppError && err.code === c;
const ops = (s: IvsSetup): string[] => s.fake.requests.map((r) => r.path.slice(1));

describe('IVS API calls', () => {
  let s: IvsSetup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  test('a members-only channel imports the playback public key once, then creates an authorised LOW channel', async () => {
    s = await setUpIvs();
    const liveId = randomUUID();
    const ch = await s.provider.createChannel({ liveId, title: 'Comeback', access: 'members' });
    await s.provider.createChannel({ liveId: randomUUID(), title: 'Again', access: 'members' });
    assert.deepEqual(ops(s), ['ImportPlaybackKeyPair', 'CreateChannel', 'CreateChannel']);
    const imported = s.fake.requests[0]!.json as { publicKeyMaterial: string; name: string };
    assert.equal(imported.publicKeyMaterial.trim(), s.publicKeyPem.trim());
    assert.equal(imported.name, 'lightstick');
    assert.deepEqual(s.fake.requests[1]!.json, {
      name: `lightstick-${liveId}`,
      latencyMode: 'LOW',
      type: 'STANDARD',
      authorized: true,
      tags: { 'lightstick:live': liveId },
    });
    assert.equal(ch.meta.authorized, 'true');
    assert.match(ch.ingest.url, /^rtmps:\/\/[a-z0-9]+\.global-contribute\.live-video\.net:443\/app\/$/i);
    assert.deepEqual(s.fake.problems, []);
  });

  test('an already imported key (ConflictException) is fine, and a configured key pair ARN skips the import', async () => {
    s = await setUpIvs();
    s.fake.keyPairs.push(s.publicKeyPem);
    await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'members' });
    await s.close();
    s = await setUpIvs({
      env: { LIGHTSTICK_IVS_PLAYBACK_KEY_PAIR_ARN: 'arn:aws:ivs:us-west-2:123456789012:playback-key/abc' },
    });
    await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'members' });
    assert.deepEqual(ops(s), ['CreateChannel']);
  });

  test('a members-only live without a playback key is refused before anything is created', async () => {
    s = await setUpIvs({ withKey: false });
    await assert.rejects(
      s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'members' }),
      code('provider_error'),
    );
    assert.deepEqual(ops(s), []);
    const pub = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'public' });
    assert.equal(pub.meta.authorized, 'false');
  });

  test('rotation deletes the key, stops the stream, then creates the new key (IVS allows one key per channel)', async () => {
    s = await setUpIvs();
    const ch = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'public' });
    s.fake.publish(ch.ingest.streamKey);
    s.fake.requests.length = 0;
    const rotated = await s.provider.rotateKey(ch);
    assert.deepEqual(ops(s), [
      'GetChannel',
      'ListStreamKeys',
      'DeleteStreamKey',
      'StopStream',
      'CreateStreamKey',
    ]);
    assert.equal(rotated.channelId, ch.channelId);
    assert.equal(s.fake.channels.get(ch.channelId)?.key?.value, rotated.ingest.streamKey);
  });

  test('a wrong secret access key fails the signature check: provider_error, no secret in the answer or the log', async () => {
    const wrong = `wrong-${randomUUID()}`;
    s = await setUpIvs({ env: { LIGHTSTICK_IVS_SECRET_ACCESS_KEY: wrong } });
    const err = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'public' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof AppError && err.code === 'provider_error' && err.status === 502);
    assert.match(err.message, /^IVS answered 400 .*CreateChannel/);
    assert.match(s.fake.problems.join(), /SigV4 signature does not match/);
    s.fake.problems.length = 0;
    for (const text of [err.message, JSON.stringify(err), s.logs.text()]) assert.ok(!text.includes(wrong));
    assert.match(s.logs.text(), /video provider request failed/);
  });

  test('an unreachable IVS is provider_error (did not answer)', async () => {
    s = await setUpIvs({ env: { LIGHTSTICK_IVS_ENDPOINT: 'http://127.0.0.1:1' } });
    await assert.rejects(
      s.provider.status({ channelId: 'arn:x', meta: {} }),
      (e: unknown) =>
        e instanceof AppError && e.code === 'provider_error' && /did not answer/.test(e.message),
    );
  });

  test('members-only playback is an ES384 token with the documented claims, verified with the public key', async () => {
    const clock = fakeClock(Date.now());
    s = await setUpIvs({ runtime: clock });
    const ch = await s.provider.createChannel({ liveId: randomUUID(), title: 'x', access: 'members' });
    const userId = randomUUID();
    const grant = await s.provider.playback(ch, { userId, liveId: 'l', access: 'members' }, 3600);
    const url = new URL(grant.url);
    assert.equal(`${url.origin}${url.pathname}`, ch.meta.playbackUrl);
    const token = url.searchParams.get('token')!;
    assert.deepEqual(decodeProtectedHeader(token), { alg: 'ES384', typ: 'JWT' });
    const key = await importSPKI(s.publicKeyPem, 'ES384');
    const { payload } = await jwtVerify(token, key, { currentDate: new Date(clock.now()) });
    const exp = Math.floor(clock.now() / 1000) + 600; // aws:viewer-id caps the token at 10 minutes
    assert.deepEqual(payload, {
      'aws:channel-arn': ch.channelId,
      'aws:access-control-allow-origin': 'https://fans.example',
      'aws:viewer-id': userId,
      exp,
    });
    assert.equal(grant.expiresAt, exp * 1000);
    await assert.rejects(jwtVerify(token, key, { currentDate: new Date(exp * 1000 + 1000) }), /exp/);
  });
});
