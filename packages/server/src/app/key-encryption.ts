/**
 * Picks the KeyVault for this process (issue 8: private signing keys sealed at rest). A configured KEK
 * (LIGHTSTICK_KEY_ENCRYPTION_KEY / _FILE) is used as is. Embedded mode without one keeps a KEK of its own in
 * `<dataDir>/key-encryption.key` (made once, readable only by the owner), so a copy of the SQLite file alone
 * does not hold usable private keys. PostgreSQL mode cannot share a made-up KEK between processes, so it
 * requires one: without it the start stops with a ConfigError (exit 2) before the database is opened.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KeyVault } from '../auth/key-vault.ts';
import type { Config } from '../config/config.ts';
import { parseKek, requireKeyEncryption } from '../config/key-encryption.ts';

export const KEK_FILE = 'key-encryption.key';

export function keyVault(config: Config): KeyVault {
  requireKeyEncryption(config);
  const { current, previous } = config.auth.keyEncryption;
  return new KeyVault(current ?? ownKek(config.dataDir), previous);
}

/** Reads the data folder's KEK, making it on first start (exclusive create: two starts cannot both make one). */
function ownKek(dataDir: string): Buffer {
  const file = path.join(dataDir, KEK_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return parseKek(readFileSync(file, 'utf8'), file);
}
