/**
 * Environment variables and command-line flags -> one validated Config.
 * A bad value throws ConfigError naming the variable and what it accepts; main.ts prints it and exits 2.
 * Every variable is listed in docs/configuration.md.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Config, Role, SendRule } from './config.ts';
import { loadVideoConfig } from './video.ts';
import { loadMediaConfig } from './media.ts';
import { loadModeration, loadQuotas, loadRateLimits, loadTranslation } from './fandom.ts';
import { loadKeyEncryption } from './key-encryption.ts';
import { loadSecurity } from './security.ts';
import { loadMetrics } from './metrics.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;
const ROLES: readonly Role[] = ['gateway', 'api', 'web', 'media', 'all'];
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

export function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^-?\d+$/.test(raw.trim()))
    throw new ConfigError(`${name}="${raw}" is not a whole number; it accepts ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`${name}=${n} is out of range; it accepts ${min} to ${max}`);
  return n;
}

export function url(env: Env, name: string, schemes: string[]): string | undefined {
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

export function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new ConfigError(`${name}="${raw}" is not a boolean; it accepts true or false`);
}

/** `<messages>/<seconds>s` (a bucket of that many, refilled evenly over the seconds), or `off`. */
function sendRule(env: Env, name: string, def: string): SendRule | null {
  const raw = (env[name] || def).trim();
  if (raw === 'off') return null;
  const m = /^(\d{1,7})\/(\d{1,6})s$/.exec(raw);
  const burst = Number(m?.[1]);
  const seconds = Number(m?.[2]);
  if (!m || burst < 1 || seconds < 1) {
    throw new ConfigError(
      `${name}="${raw}" is not a send rule; it accepts <messages>/<seconds>s (e.g. 20/30s) or off`,
    );
  }
  return { ratePerSecond: burst / seconds, burst };
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

/** Each flag and the variable it sets; flags override the environment. */
const FLAGS: Record<string, string> = {
  role: 'LIGHTSTICK_ROLES',
  port: 'PORT',
  host: 'HOST',
  'data-dir': 'LIGHTSTICK_DATA_DIR',
  workers: 'LIGHTSTICK_WORKERS',
};
const FLAG_LIST = Object.keys(FLAGS)
  .map((f) => `--${f}`)
  .join(', ');

/**
 * Flags override the environment: --role, --port, --host, --data-dir, --workers, as `--flag value` or
 * `--flag=value`. node:util parseArgs reads them (non-strict, with tokens) so that every refusal keeps this
 * command's own wording and names the argument as it was typed: an unknown flag, a stray value or `--`, and a
 * flag without its value.
 */
export function parseFlags(argv: string[]): Env {
  const options = Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }]));
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const out: Env = {};
  for (const token of tokens) {
    const variable = token.kind === 'option' ? FLAGS[token.name] : undefined;
    if (token.kind !== 'option' || variable === undefined || !token.rawName.startsWith('--')) {
      throw new ConfigError(`unknown flag "${argv[token.index] ?? ''}"; flags: ${FLAG_LIST}`);
    }
    if (token.value === undefined) throw new ConfigError(`flag --${token.name} needs a value`);
    out[variable] = token.value;
  }
  return out;
}

/** The manifests' placeholders and the passwords any attacker tries first on an admin account. */
const PLACEHOLDER = /^(replace[_-]?me|change[_-]?me|changeit|example|placeholder|your[_-]?password)/i;
const COMMON_ADMIN = new Set([
  'password1234',
  'password12345',
  'password123456',
  'adminadmin123',
  'administrator',
  'admin1234567',
  'admin12345678',
  'admin123456789',
  'lightstick123',
  'lightstickadmin',
  'qwertyuiop12',
  'qwerty123456',
  '123456789012',
  '1234567890123',
  'letmeinletmein',
]);

function weakAdminPassword(pw: string): boolean {
  const lower = pw.toLowerCase();
  return PLACEHOLDER.test(pw) || COMMON_ADMIN.has(lower) || new Set(lower).size < 4;
}

/** The fan-out budget over the default `stats` budget (LIGHTSTICK_STATS_FRAMES_PER_SEC unset). */
const STATS_SHARE_OF_FANOUT = 25;

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
  if (adminPassword !== undefined && weakAdminPassword(adminPassword)) {
    throw new ConfigError(
      'LIGHTSTICK_ADMIN_PASSWORD is a placeholder or a common password; set a strong one, or leave it unset ' +
        'to have one generated',
    );
  }
  const host = e.HOST || '0.0.0.0';
  const port = int(e, 'PORT', 8080, 0, 65535);
  const fanoutFramesPerSecond = int(e, 'LIGHTSTICK_FANOUT_FRAMES_PER_SEC', 50_000, 100, 10_000_000);
  return {
    roles: roles(e.LIGHTSTICK_ROLES, 'LIGHTSTICK_ROLES (--role)'),
    host,
    port,
    // Node listens with 511; a gateway killed with 17 000 clients sends them all to the survivors within about a
    // second, a busy survivor accepts between fan-out slices, and the kernel drops what overflows its accept queue:
    // those clients' SYNs are retried after 1, 3, 7, 15 and 31 s (docs/benchmarks.md, stop 19). The kernel caps it
    // at net.core.somaxconn (4 096 by default since Linux 5.4).
    listenBacklog: int(e, 'LIGHTSTICK_LISTEN_BACKLOG', 16_384, 1, 1_000_000),
    metrics: loadMetrics(e, { host, port }),
    dataDir: path.resolve(e.LIGHTSTICK_DATA_DIR || './data'),
    databaseUrl: url(e, 'LIGHTSTICK_DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseSchema: schema(e, 'LIGHTSTICK_DATABASE_SCHEMA'),
    redisUrl: url(e, 'LIGHTSTICK_REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: prefix(e, 'LIGHTSTICK_REDIS_PREFIX', 'ls:'),
    redisCluster: bool(e, 'LIGHTSTICK_REDIS_CLUSTER', false),
    dedupTtlMs: int(e, 'LIGHTSTICK_DEDUP_TTL_SEC', 600, 1, 7 * 86_400) * 1000,
    adminPassword,
    logLevel: level as Config['logLevel'],
    security: loadSecurity(e),
    nodeId: e.LIGHTSTICK_NODE_ID || `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
    auth: {
      accessTtlSec: int(e, 'LIGHTSTICK_ACCESS_TTL_SEC', 900, 10, 86_400),
      refreshTtlSec: int(e, 'LIGHTSTICK_REFRESH_TTL_SEC', 30 * 86_400, 60, 365 * 86_400),
      sessionMaxAgeDays: int(e, 'LIGHTSTICK_SESSION_MAX_AGE_DAYS', 30, 1, 365),
      keyEncryption: loadKeyEncryption(e),
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
    video: loadVideoConfig(e),
    media: loadMediaConfig(e, path.resolve(e.LIGHTSTICK_DATA_DIR || './data')),
    moderation: loadModeration(e),
    rateLimits: loadRateLimits(e),
    quotas: loadQuotas(e),
    translation: loadTranslation(e),
    // ---- fan-out engine and delivery (issue 6) ----
    wsDeflate: {
      enabled: bool(e, 'LIGHTSTICK_WS_DEFLATE', true),
      // A room frame of one fan message (300-400 bytes) saves about a quarter and goes plain; a flush of two fan
      // messages or more is over 512. A connection's own replies always go plain (connection.ts, `reply`).
      minBytes: int(e, 'LIGHTSTICK_WS_DEFLATE_MIN_BYTES', 512, 1, 16 * 1024 * 1024),
    },
    fanout: {
      framesPerSecond: fanoutFramesPerSecond,
      maxIntervalMs: int(e, 'LIGHTSTICK_FANOUT_MAX_INTERVAL_MS', 1000, 10, 10_000),
      sliceSockets: int(e, 'LIGHTSTICK_FANOUT_SLICE', 200, 1, 100_000),
      lagTargetMs: int(e, 'LIGHTSTICK_FANOUT_LAG_TARGET_MS', 50, 0, 10_000),
      busyTarget: int(e, 'LIGHTSTICK_FANOUT_BUSY_TARGET_PCT', 70, 0, 100) / 100,
    },
    joins: {
      concurrency: int(e, 'LIGHTSTICK_JOIN_CONCURRENCY', 64, 1, 100_000),
      maxWaiting: int(e, 'LIGHTSTICK_JOIN_QUEUE', 20_000, 0, 1_000_000),
    },
    countersIntervalMs: int(e, 'LIGHTSTICK_COUNTERS_INTERVAL_MS', 1000, 100, 60_000),
    // Unset, `stats` frames take a fixed share of the node's fan-out budget (2 000 of the default 50 000), so
    // the one knob sized for the machine sizes both: with six gateways on two cores, 2 000 stats writes a
    // second each were a third of the gateways' CPU while 100 000 fans connected (docs/benchmarks.md).
    statsFramesPerSecond: int(
      e,
      'LIGHTSTICK_STATS_FRAMES_PER_SEC',
      Math.max(100, Math.round(fanoutFramesPerSecond / STATS_SHARE_OF_FANOUT)),
      100,
      10_000_000,
    ),
    sendRate: {
      fan: sendRule(e, 'LIGHTSTICK_SEND_RATE_FAN', '20/30s'),
      moderator: sendRule(e, 'LIGHTSTICK_SEND_RATE_MODERATOR', '100/30s'),
      artist: sendRule(e, 'LIGHTSTICK_SEND_RATE_ARTIST', 'off'),
      room: sendRule(e, 'LIGHTSTICK_SEND_RATE_ROOM', '200/1s'),
    },
  };
}
