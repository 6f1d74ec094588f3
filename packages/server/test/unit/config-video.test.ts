/**
 * config/video.ts: each cloud provider is offered only when configured, a half-configured one stops the
 * start with a ConfigError naming the missing variable, keys are checked to be of the kind the provider
 * signs with, and no error message quotes a secret.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../src/config/load.ts';
import { loadVideoConfig } from '../../src/config/video.ts';
import { cloudProviders } from '../../src/app/cloud-providers.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { captureLogs } from '../support/fakes/common.ts';

const ec = (curve: string) =>
  generateKeyPairSync('ec', { namedCurve: curve })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
const rsa = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
const refuses = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadVideoConfig(env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );

describe('video configuration', () => {
  test('nothing set: no cloud provider, default tolerance and deadline', async () => {
    const v = loadConfig({}).video;
    assert.deepEqual(v, {
      eventToleranceMs: 300_000,
      apiTimeoutMs: 10_000,
      ivs: undefined,
      mux: undefined,
      cloudflare: undefined,
    });
    assert.deepEqual(
      await cloudProviders({ video: v }, { runtime: systemRuntime, logger: captureLogs().logger }),
      [],
    );
  });

  test('all three configured: three providers, named', async () => {
    const v = loadVideoConfig({
      LIGHTSTICK_IVS_REGION: 'ap-northeast-2',
      LIGHTSTICK_MUX_TOKEN_ID: 'id',
      LIGHTSTICK_MUX_TOKEN_SECRET: 'secret',
      LIGHTSTICK_CLOUDFLARE_ACCOUNT_ID: 'acct',
      LIGHTSTICK_CLOUDFLARE_API_TOKEN: 'token',
      LIGHTSTICK_CLOUDFLARE_CUSTOMER_SUBDOMAIN: 'customer-abc.cloudflarestream.com',
    });
    assert.equal(v.ivs?.credentials, undefined, 'no static keys: the AWS default chain');
    assert.equal(v.ivs?.playbackOrigin, '*');
    assert.equal(v.ivs?.eventsHeader, 'x-lightstick-events-secret');
    assert.ok(v.ivs?.snsCertHost.test('sns.ap-northeast-2.amazonaws.com'));
    assert.ok(!v.ivs?.snsCertHost.test('sns.ap-northeast-2.amazonaws.com.evil.example'));
    assert.equal(v.mux?.apiUrl, 'https://api.mux.com');
    assert.equal(v.cloudflare?.apiUrl, 'https://api.cloudflare.com/client/v4');
    const names = (
      await cloudProviders({ video: v }, { runtime: systemRuntime, logger: captureLogs().logger })
    ).map((p) => p.name);
    assert.deepEqual(names, ['ivs', 'mux', 'cloudflare']);
  });

  test('half-configured providers name what is missing', () => {
    refuses({ LIGHTSTICK_MUX_TOKEN_ID: 'id' }, /LIGHTSTICK_MUX_TOKEN_SECRET is unset/);
    refuses({ LIGHTSTICK_CLOUDFLARE_API_TOKEN: 't' }, /LIGHTSTICK_CLOUDFLARE_ACCOUNT_ID is unset/);
    refuses(
      { LIGHTSTICK_CLOUDFLARE_ACCOUNT_ID: 'a', LIGHTSTICK_CLOUDFLARE_API_TOKEN: 't' },
      /CUSTOMER_SUBDOMAIN/,
    );
    refuses(
      { LIGHTSTICK_IVS_ACCESS_KEY_ID: 'AKIA', LIGHTSTICK_IVS_SECRET_ACCESS_KEY: 's' },
      /LIGHTSTICK_IVS_REGION is unset/,
    );
    refuses(
      { LIGHTSTICK_IVS_REGION: 'us-west-2', LIGHTSTICK_IVS_ACCESS_KEY_ID: 'AKIA' },
      /SECRET_ACCESS_KEY is unset/,
    );
    refuses({ LIGHTSTICK_IVS_REGION: 'mars' }, /not an AWS region/);
    refuses({ LIGHTSTICK_VIDEO_EVENT_TOLERANCE_SEC: '5' }, /10 to 86400/);
  });

  test('signing keys: PEM or base64 of it, of the right kind; the message never quotes the key', () => {
    const ivs = { LIGHTSTICK_IVS_REGION: 'us-west-2' };
    const p384 = ec('P-384').trim();
    assert.equal(
      loadVideoConfig({ ...ivs, LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY: p384 }).ivs?.playbackPrivateKey,
      p384,
    );
    const escaped = p384.replace(/\n/g, '\\n');
    assert.equal(
      loadVideoConfig({ ...ivs, LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY: escaped }).ivs?.playbackPrivateKey,
      p384,
    );
    const p256 = ec('P-256');
    assert.throws(
      () => loadVideoConfig({ ...ivs, LIGHTSTICK_IVS_PLAYBACK_PRIVATE_KEY: p256 }),
      (e: unknown) =>
        e instanceof ConfigError && /EC P-384/.test(e.message) && !e.message.includes(p256.split('\n')[1]!),
    );
    const mux = {
      LIGHTSTICK_MUX_TOKEN_ID: 'i',
      LIGHTSTICK_MUX_TOKEN_SECRET: 's',
      LIGHTSTICK_MUX_SIGNING_KEY_ID: 'k',
    };
    const key = rsa().trim();
    const b64 = Buffer.from(key).toString('base64');
    assert.equal(loadVideoConfig({ ...mux, LIGHTSTICK_MUX_SIGNING_KEY: b64 }).mux?.signingKeyPrivate, key);
    refuses({ ...mux, LIGHTSTICK_MUX_SIGNING_KEY: 'bm90IGEga2V5' }, /RSA private key/);
    refuses(mux, /LIGHTSTICK_MUX_SIGNING_KEY is unset/);
  });

  test('the SNS host pattern and the events header are checked', () => {
    refuses({ LIGHTSTICK_IVS_REGION: 'us-west-2', LIGHTSTICK_IVS_SNS_CERT_HOST: '(' }, /regular expression/);
    refuses(
      { LIGHTSTICK_IVS_REGION: 'us-west-2', LIGHTSTICK_IVS_EVENTS_HEADER: 'bad header' },
      /header name/,
    );
    const v = loadVideoConfig({
      LIGHTSTICK_IVS_REGION: 'us-west-2',
      LIGHTSTICK_IVS_SNS_TOPIC_ARNS: 'arn:a, arn:b',
    });
    assert.deepEqual(v.ivs?.snsTopicArns, ['arn:a', 'arn:b']);
  });

  test('every variable config/video.ts reads is documented in docs/configuration.md', () => {
    const source = readFileSync(new URL('../../src/config/video.ts', import.meta.url), 'utf8');
    const docs = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
    const names = new Set(source.match(/LIGHTSTICK_[A-Z0-9_]+/g));
    assert.ok(names.size >= 25);
    for (const n of names) assert.ok(docs.includes(`\`${n}\``), `${n} is not in docs/configuration.md`);
  });
});
