/** The key-encryption key settings (issue 8): forms accepted, errors that never echo the key. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, ConfigError } from '../../src/config/load.ts';
import { requireKeyEncryption } from '../../src/config/key-encryption.ts';

describe('LIGHTSTICK_KEY_ENCRYPTION_KEY', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ls-kek-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('hex, base64 and a file give the same 32 bytes; unset is none', async () => {
    const k = randomBytes(32);
    const file = path.join(dir, 'kek');
    await writeFile(file, `${k.toString('base64')}\n`);
    for (const env of [
      { LIGHTSTICK_KEY_ENCRYPTION_KEY: k.toString('hex') },
      { LIGHTSTICK_KEY_ENCRYPTION_KEY: k.toString('base64') },
      { LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE: file },
    ]) {
      assert.deepEqual(loadConfig(env).auth.keyEncryption.current, k);
    }
    assert.equal(loadConfig({}).auth.keyEncryption.current, undefined);
    const prev = randomBytes(32);
    const both = loadConfig({
      LIGHTSTICK_KEY_ENCRYPTION_KEY: k.toString('hex'),
      LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS: ` ${prev.toString('hex')} ,`,
    });
    assert.deepEqual(both.auth.keyEncryption.previous, [prev]);
  });

  test("the manifests' placeholder and text that only looks like base64 are refused, by name", () => {
    for (const name of [
      'LIGHTSTICK_KEY_ENCRYPTION_KEY',
      'LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS',
    ] as const) {
      assert.throws(
        () => loadConfig({ [name]: 'REPLACE_ME_key_encryption_key' }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message === `${name} is a placeholder; set a key made with: openssl rand -hex 32`,
      );
    }
    // 43 characters that decode to 32 bytes once Node's decoder skips what is not base64: still refused.
    const k = randomBytes(32).toString('base64url');
    assert.deepEqual(
      loadConfig({ LIGHTSTICK_KEY_ENCRYPTION_KEY: k }).auth.keyEncryption.current,
      Buffer.from(k, 'base64url'),
    );
    for (const bad of [`${k.slice(0, 20)} ${k.slice(20)}`, `${k.slice(0, 42)}!`, `${k}==`, 'x'.repeat(64)]) {
      assert.throws(
        () => loadConfig({ LIGHTSTICK_KEY_ENCRYPTION_KEY: bad }),
        (e: unknown) =>
          e instanceof ConfigError && /is not a 32-byte key/.test(e.message) && !e.message.includes(bad),
        JSON.stringify(bad),
      );
    }
  });

  test('PostgreSQL mode requires a key-encryption key; embedded mode does not', () => {
    const pg = 'postgres://postgres@127.0.0.1:5432/test';
    assert.throws(
      () => requireKeyEncryption(loadConfig({ LIGHTSTICK_DATABASE_URL: pg })),
      (e: unknown) =>
        e instanceof ConfigError &&
        /LIGHTSTICK_KEY_ENCRYPTION_KEY .*or LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE/.test(e.message),
    );
    // Previous keys alone do not seal anything new.
    assert.throws(
      () =>
        requireKeyEncryption(
          loadConfig({
            LIGHTSTICK_DATABASE_URL: pg,
            LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS: randomBytes(32).toString('hex'),
          }),
        ),
      ConfigError,
    );
    const k = randomBytes(32).toString('hex');
    assert.doesNotThrow(() =>
      requireKeyEncryption(loadConfig({ LIGHTSTICK_DATABASE_URL: pg, LIGHTSTICK_KEY_ENCRYPTION_KEY: k })),
    );
    assert.doesNotThrow(() => requireKeyEncryption(loadConfig({})));
  });

  test('a key of the wrong size, an unreadable file or both forms are refused without echoing the key', () => {
    const short = randomBytes(16).toString('hex');
    assert.throws(
      () => loadConfig({ LIGHTSTICK_KEY_ENCRYPTION_KEY: short }),
      (e: unknown) => e instanceof ConfigError && !e.message.includes(short),
    );
    assert.throws(
      () => loadConfig({ LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE: path.join(dir, 'missing') }),
      ConfigError,
    );
    assert.throws(
      () =>
        loadConfig({
          LIGHTSTICK_KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
          LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE: path.join(dir, 'kek'),
        }),
      ConfigError,
    );
  });
});
