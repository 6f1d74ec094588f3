/**
 * Environment variables and command-line flags -> one validated Config.
 * A bad value throws ConfigError naming the variable and what it accepts; main.ts prints it and exits 2.
 * Every variable is listed in docs/configuration.md.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config, Role } from './config.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;
const ROLES: readonly Role[] = ['gateway', 'api', 'web', 'media', 'all'];
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim()))
    throw new ConfigError(`${name}="${raw}" is not a whole number; it accepts ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name}=${n} is out of range; it accepts ${min} to ${max}`);
  return n;
}

function url(env: Env, name: string, schemes: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL; it accepts ${schemes.map((s) => `${s}//...`).join(' or ')}`);
  }
  if (!schemes.includes(u.protocol)) {
    throw new ConfigError(`${name} has scheme ${u.protocol}; it accepts ${schemes.join(' or ')}`);
  }
  return raw;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new ConfigError(`${name}="${raw}" is not a boolean; it accepts true or false`);
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function schema(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!SCHEMA_NAME.test(raw)) {
    throw new ConfigError(`${name}="${raw}" is not a schema name; it accepts [a-z_][a-z0-9_]*, at most 63`);
  }
  return raw;
}

/** Key prefixes end up in every Redis key: printable, no spaces or braces (braces are Cluster hash tags). */
function prefix(env: Env, name: string, def: string): string {
  const raw = env[name];
  if (raw === undefined) return def;
  if (!/^[A-Za-z0-9:_.-]{0,64}$/.test(raw)) {
    throw new ConfigError(`${name}="${raw}" is not a key prefix; it accepts up to 64 of A-Z a-z 0-9 : _ . -`);
  }
  return raw;
}

function roles(raw: string | undefined, source: string): Config['roles'] {
  const list = (raw ?? 'all')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = list.find((r) => !ROLES.includes(r as Role));
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError(
      `${source}="${raw}" names an unknown role; it accepts a comma list of ${ROLES.join(', ')}`,
    );
  }
  const all = list.includes('all');
  return new Set((all ? ['gateway', 'api', 'web', 'media'] : list) as Exclude<Role, 'all'>[]);
}

/** Flags override the environment: --role, --port, --host, --data-dir, --workers. */
export function parseFlags(argv: string[]): Env {
  const out: Env = {};
  const map: Record<string, string> = {
    role: 'LIGHTSTICK_ROLES',
    port: 'PORT',
    host: 'HOST',
    'data-dir': 'LIGHTSTICK_DATA_DIR',
    workers: 'LIGHTSTICK_WORKERS',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const key = m?.[1];
    if (!m || key === undefined || !(key in map))
      throw new ConfigError(`unknown flag "${arg}"; flags: --role, --port, --host, --data-dir, --workers`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new ConfigError(`flag --${key} needs a value`);
    out[map[key] as string] = value;
  }
  return out;
}

export function loadConfig(env: Env = process.env, argv: string[] = []): Config {
  const e: Env = { ...env, ...parseFlags(argv) };
  const level = e.LIGHTSTICK_LOG_LEVEL ?? 'info';
  if (!(LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError(`LIGHTSTICK_LOG_LEVEL="${level}" is not a level; it accepts ${LEVELS.join(', ')}`);
  }
  const adminPassword = e.LIGHTSTICK_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 12) {
    throw new ConfigError('LIGHTSTICK_ADMIN_PASSWORD is too short; it accepts 12 to 256 characters');
  }
  return {
    roles: roles(e.LIGHTSTICK_ROLES, 'LIGHTSTICK_ROLES (--role)'),
    host: e.HOST || '0.0.0.0',
    port: int(e, 'PORT', 8080, 0, 65535),
    dataDir: path.resolve(e.LIGHTSTICK_DATA_DIR || './data'),
    databaseUrl: url(e, 'LIGHTSTICK_DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseSchema: schema(e, 'LIGHTSTICK_DATABASE_SCHEMA'),
    redisUrl: url(e, 'LIGHTSTICK_REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: prefix(e, 'LIGHTSTICK_REDIS_PREFIX', 'ls:'),
    redisCluster: bool(e, 'LIGHTSTICK_REDIS_CLUSTER', false),
    dedupTtlMs: int(e, 'LIGHTSTICK_DEDUP_TTL_SEC', 600, 1, 7 * 86_400) * 1000,
    adminPassword,
    logLevel: level as Config['logLevel'],
    nodeId: e.LIGHTSTICK_NODE_ID || `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    auth: {
      accessTtlSec: int(e, 'LIGHTSTICK_ACCESS_TTL_SEC', 900, 10, 86_400),
      refreshTtlSec: int(e, 'LIGHTSTICK_REFRESH_TTL_SEC', 30 * 86_400, 60, 365 * 86_400),
      keyRotationDays: int(e, 'LIGHTSTICK_KEY_ROTATION_DAYS', 30, 1, 3650),
      issuer: e.LIGHTSTICK_ISSUER || 'lightstick',
    },
    history: {
      maxSize: int(e, 'LIGHTSTICK_HISTORY_SIZE', 1000, 1, 100_000),
      ttlMs: int(e, 'LIGHTSTICK_HISTORY_TTL_SEC', 86_400, 1, 30 * 86_400) * 1000,
    },
    archive: {
      groupCommitMs: int(e, 'LIGHTSTICK_GROUP_COMMIT_MS', 5, 0, 1000),
      maxBacklog: int(e, 'LIGHTSTICK_ARCHIVE_MAX_BACKLOG', 50_000, 1, 10_000_000),
    },
    drainTimeoutMs: int(e, 'LIGHTSTICK_DRAIN_TIMEOUT_MS', 20_000, 0, 600_000),
    workers: int(e, 'LIGHTSTICK_WORKERS', 1, 1, 64),
    webDir: path.resolve(e.LIGHTSTICK_WEB_DIR || DEFAULT_WEB_DIR),
  };
}
