/**
 * Every role ran the admin bootstrap at start: a gateway-only process verified LIGHTSTICK_ADMIN_PASSWORD against
 * the stored admin with argon2id (19 MiB, 0.1–0.2 s of a gateway's start to ready), which is why the Compose
 * file and the Kubernetes manifests handed the admin password to every server; and a gateway started without it
 * on a fresh database created the `admin` account itself, its generated password written into the gateway's own
 * data folder. The admin account belongs to the sign-in: only a process with the api role creates it or checks
 * its setting (src/app/server.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN_PASSWORD_FILE } from '../../src/app/admin-bootstrap.ts';
import { startLightstick, tempDir } from '../support/harness.ts';
import { captureLog } from '../support/log-capture.ts';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

test('a gateway-only process on a fresh database creates no admin account and writes no password file', async () => {
  const dataDir = await tempDir();
  try {
    // No admin password set: an api process would generate one and write it to its data folder.
    const gw = await startLightstick({
      dataDir,
      env: { LIGHTSTICK_ROLES: 'gateway', LIGHTSTICK_ADMIN_PASSWORD: '' },
    });
    try {
      assert.equal(await gw.services.store.users.byNameKey('admin'), undefined, 'no admin account');
      assert.equal(await exists(path.join(dataDir, ADMIN_PASSWORD_FILE)), false, 'no password file');
    } finally {
      await gw.stop({ keepData: true });
    }
    // The api process that starts next on the same database creates it.
    const api = await startLightstick({
      dataDir,
      env: { LIGHTSTICK_ROLES: 'api', LIGHTSTICK_ADMIN_PASSWORD: '' },
    });
    try {
      assert.ok(await api.services.store.users.byNameKey('admin'), 'the api created the admin');
      assert.equal(await exists(path.join(dataDir, ADMIN_PASSWORD_FILE)), true);
    } finally {
      await api.stop({ keepData: true });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a gateway-only process does not check the admin password setting; an api process still does', async () => {
  const dataDir = await tempDir();
  try {
    const first = await startLightstick({ dataDir }); // every role: creates the admin with the tests' password
    await first.stop({ keepData: true });
    /** Starts and stops one role with a password that is not the admin's: what it logged. */
    const startLogged = async (role: string) => {
      const log = captureLog();
      const server = await startLightstick({
        dataDir,
        logger: log.logger,
        env: { LIGHTSTICK_ADMIN_PASSWORD: 'a different strong password', LIGHTSTICK_ROLES: role },
      });
      await server.stop({ keepData: true });
      return log.text();
    };
    assert.doesNotMatch(
      await startLogged('gateway'),
      /LIGHTSTICK_ADMIN_PASSWORD/,
      'the gateway never read the setting',
    );
    assert.match(await startLogged('api'), /LIGHTSTICK_ADMIN_PASSWORD does not match/);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
