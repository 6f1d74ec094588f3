/**
 * A first start creates the schema and the admin account. Its generated password goes to the terminal when
 * there is one; here (output piped, as under a service manager) to an owner-only file under the data folder,
 * never into a log line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { spawnLightstick, tempDir } from '../support/harness.ts';
import { http } from '../support/api.ts';

test('first start generates the admin password into an owner-only file, never a log line; later starts keep it', async () => {
  const dataDir = path.join(await tempDir(), 'nested', 'data');
  const first = await spawnLightstick({ dataDir, env: { LIGHTSTICK_ADMIN_PASSWORD: '' } });
  try {
    assert.ok(existsSync(path.join(dataDir, 'lightstick.db')), 'SQLite file under the data folder');
    const file = path.join(dataDir, 'admin-password.txt');
    assert.ok(existsSync(file), `password file written:\n${first.output()}`);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'readable by the owner only');
    const password = readFileSync(file, 'utf8').trim();
    assert.match(
      first.output(),
      /created the account \\"admin\\" with a generated password, written to this file/,
    );
    assert.ok(password.length >= 16);
    // The log names the file, never the password.
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
