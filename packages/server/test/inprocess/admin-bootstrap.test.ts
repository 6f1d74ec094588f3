/**
 * The first-start admin account (issue 8): placeholder and common admin passwords are refused at start; a
 * generated password goes to an owner-only file (no terminal here), never into the log stream; a setting that no
 * longer matches the stored password is reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../src/config/load.ts';
import { startLightstick, tempDir } from '../support/harness.ts';
import { captureLog } from '../support/log-capture.ts';
import { http } from '../support/api.ts';

test("the manifests' placeholder and common admin passwords are refused", () => {
  for (const pw of ['REPLACE_ME_admin_password', 'changeme-please-now', 'Password1234', 'aaaaaaaaaaaaaa']) {
    assert.throws(() => loadConfig({ LIGHTSTICK_ADMIN_PASSWORD: pw }), ConfigError, pw);
  }
  assert.equal(
    loadConfig({ LIGHTSTICK_ADMIN_PASSWORD: 'violet lightstick 2026' }).adminPassword,
    'violet lightstick 2026',
  );
});

test('an admin password from the breach list (12 characters and up) stops the first start with a ConfigError', async () => {
  // 'qwertyuiop123' passes the config's own placeholder rules; the breach list knows it.
  await assert.rejects(
    startLightstick({ env: { LIGHTSTICK_ADMIN_PASSWORD: 'qwertyuiop123' } }),
    (err: unknown) => err instanceof ConfigError && /LIGHTSTICK_ADMIN_PASSWORD is refused/.test(err.message),
  );
});

test('a generated admin password goes to an owner-only file, not the log; a stale setting is reported', async () => {
  const dataDir = await tempDir();
  try {
    const log = captureLog();
    const app = await startLightstick({
      dataDir,
      logger: log.logger,
      env: { LIGHTSTICK_ADMIN_PASSWORD: '' },
    });
    const file = path.join(dataDir, 'admin-password.txt');
    try {
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const password = (await readFile(file, 'utf8')).trim();
      assert.ok(!log.text().includes(password), 'the password is not in the log stream');
      assert.ok(log.text().includes(file), 'the file path is logged');
      const res = await http(app.baseUrl, 'POST', '/api/auth/login', {
        body: { username: 'admin', password },
      });
      assert.equal(res.status, 200);
    } finally {
      await app.stop({ keepData: true });
    }
    const again = captureLog();
    const second = await startLightstick({
      dataDir,
      logger: again.logger,
      env: { LIGHTSTICK_ADMIN_PASSWORD: 'a different strong password' },
    });
    await second.stop({ keepData: true });
    assert.match(again.text(), /LIGHTSTICK_ADMIN_PASSWORD does not match/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
