/**
 * Keys at rest on a real embedded server (issue 8): without a configured key-encryption key, the server makes
 * one in its data folder (owner-only) and the signing keys in the SQLite file are sealed; with one configured,
 * a restart under a rotated KEK (old one in LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS) keeps tokens valid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLightstick, tempDir } from '../support/harness.ts';
import { http, registerUser } from '../support/api.ts';
import { rm } from 'node:fs/promises';

test('embedded mode seals signing keys under a key file of its own', async () => {
  const app = await startLightstick();
  try {
    const info = await stat(path.join(app.dataDir, 'key-encryption.key'));
    assert.equal(info.mode & 0o777, 0o600);
    const rows = await app.services.store.signingKeys.usable(0);
    assert.ok(rows.length > 0);
    for (const r of rows) assert.match(r.privateJwk, /^enc:v1:/);
  } finally {
    await app.stop();
  }
});

test('a KEK rotation across a restart keeps the keys and the tokens they signed', async () => {
  const dataDir = await tempDir();
  const k1 = randomBytes(32).toString('hex');
  const k2 = randomBytes(32).toString('hex');
  try {
    const first = await startLightstick({ dataDir, env: { LIGHTSTICK_KEY_ENCRYPTION_KEY: k1 } });
    const u = await registerUser(first.baseUrl);
    await first.stop({ keepData: true });
    const second = await startLightstick({
      dataDir,
      env: { LIGHTSTICK_KEY_ENCRYPTION_KEY: k2, LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS: k1 },
    });
    try {
      assert.equal((await http(second.baseUrl, 'GET', '/api/me', { token: u.accessToken })).status, 200);
    } finally {
      await second.stop({ keepData: true });
    }
    // Re-sealed under k2 at that start: k1 is no longer needed.
    const third = await startLightstick({ dataDir, env: { LIGHTSTICK_KEY_ENCRYPTION_KEY: k2 } });
    try {
      assert.equal((await http(third.baseUrl, 'GET', '/api/me', { token: u.accessToken })).status, 200);
    } finally {
      await third.stop({ keepData: true });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
