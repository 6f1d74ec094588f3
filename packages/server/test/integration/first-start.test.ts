/** A first start creates the schema and the admin account; a generated password is printed once, never logged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { spawnLightstick, tempDir } from '../support/harness.ts';
import { http } from '../support/api.ts';

test('first start generates and prints the admin password once; later starts keep it', async () => {
  const dataDir = path.join(await tempDir(), 'nested', 'data');
  const first = await spawnLightstick({ dataDir, env: { LIGHTSTICK_ADMIN_PASSWORD: '' } });
  try {
    assert.ok(existsSync(path.join(dataDir, 'lightstick.db')), 'SQLite file under the data folder');
    const m = /created the account "admin" with password: (\S+)/.exec(first.output());
    assert.ok(m, `password printed:\n${first.output()}`);
    const password = m[1] as string;
    assert.ok(password.length >= 16);
    // Printed once, and never inside a JSON log line.
    const logLines = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0);
    assert.ok(
      logLines.every((l) => !l.includes(password)),
      'password in a log line',
    );
    const login = await http<{ user: { admin: boolean } }>(first.baseUrl, 'POST', '/api/auth/login', {
      body: { username: 'admin', password },
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.admin, true);
    await first.stop();

    const second = await spawnLightstick({ dataDir, env: { LIGHTSTICK_ADMIN_PASSWORD: '' } });
    try {
      assert.doesNotMatch(second.output(), /created the account "admin"/);
      const again = await http(second.baseUrl, 'POST', '/api/auth/login', {
        body: { username: 'admin', password },
      });
      assert.equal(again.status, 200);
    } finally {
      await second.stop();
    }
  } finally {
    await first.kill('SIGKILL');
    await rm(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
  }
});
