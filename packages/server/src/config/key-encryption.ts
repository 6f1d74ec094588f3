/**
 * The key-encryption key (KEK) that seals secrets at rest (auth/key-vault.ts), read from the environment:
 * `LIGHTSTICK_KEY_ENCRYPTION_KEY` (32 bytes as 64 hex digits or base64/base64url) or
 * `LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE` (a file holding that text, e.g. a mounted Kubernetes secret), and
 * `LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS` (comma-separated, same forms) for a KEK rotation. The text of a key
 * never appears in an error message. The manifests' placeholder (`REPLACE_ME…`) is refused by name, as the
 * admin password's is. PostgreSQL mode requires a KEK (`requireKeyEncryption`): processes cannot share a key
 * they make up, and without one the signing keys and stream keys would be stored in clear.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type Env } from './load.ts';
import type { Config } from './config.ts';

export interface KeyEncryptionConfig {
  /** Seals new values; undefined: none configured (see app/key-encryption.ts for the fallback). */
  current: Buffer | undefined;
  /** Open values sealed before a KEK rotation. */
  previous: Buffer[];
}

const PLACEHOLDER = /^(replace[_-]?me|change[_-]?me|changeit|example|placeholder)/i;
/** 32 bytes in base64 or base64url: 43 characters and at most one `=`. Node's decoder skips what is not base64. */
const BASE64_32 = /^[A-Za-z0-9+/_-]{43}=?$/;

export function parseKek(text: string, name: string): Buffer {
  const t = text.trim();
  if (PLACEHOLDER.test(t)) {
    throw new ConfigError(`${name} is a placeholder; set a key made with: openssl rand -hex 32`);
  }
  const buf = /^[0-9a-fA-F]{64}$/.test(t)
    ? Buffer.from(t, 'hex')
    : BASE64_32.test(t)
      ? Buffer.from(t, 'base64')
      : undefined;
  if (buf?.length !== 32) {
    throw new ConfigError(`${name} is not a 32-byte key; it accepts 64 hex digits or 32 bytes in base64`);
  }
  return buf;
}

/**
 * PostgreSQL mode refuses to start without a KEK. No opt-out: a key costs one command, and a switch to store
 * secrets in clear would be copied from one manifest to the next. Checked by `lightstick serve` (through
 * app/key-encryption.ts), not by `lightstick migrate`, which never reads a secret.
 */
export function requireKeyEncryption(config: Pick<Config, 'databaseUrl' | 'auth'>): void {
  if (config.databaseUrl === undefined || config.auth.keyEncryption.current !== undefined) return;
  throw new ConfigError(
    'LIGHTSTICK_DATABASE_URL is set but no key-encryption key is: set LIGHTSTICK_KEY_ENCRYPTION_KEY (64 hex ' +
      'digits, e.g. from `openssl rand -hex 32`) or LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE, the same on every ' +
      'process; PostgreSQL mode never stores signing keys or stream keys in clear (docs/security.md)',
  );
}

export function loadKeyEncryption(e: Env): KeyEncryptionConfig {
  const inline = e.LIGHTSTICK_KEY_ENCRYPTION_KEY || undefined;
  const file = e.LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE || undefined;
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(
      'LIGHTSTICK_KEY_ENCRYPTION_KEY and LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE are both set; set one',
    );
  }
  let current: Buffer | undefined;
  if (inline !== undefined) current = parseKek(inline, 'LIGHTSTICK_KEY_ENCRYPTION_KEY');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ConfigError(`LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE: cannot read ${file}`);
    }
    current = parseKek(text, 'LIGHTSTICK_KEY_ENCRYPTION_KEY_FILE');
  }
  const previous = (e.LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseKek(s, 'LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS'));
  return { current, previous };
}
