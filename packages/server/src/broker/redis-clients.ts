/**
 * Connections to Redis (one server or a Redis Cluster) shared by the Redis implementations of the seams, and
 * the one place where Redis failures become AppError('unavailable').
 *
 * Commands fail fast instead of queueing while the connection is down (enableOfflineQueue: false, no resend of
 * unanswered commands after a reconnect): a send must be refused with 'unavailable' at once, never stored twice.
 * Reconnection runs in the background with capped exponential backoff.
 */
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';
import { backoffDelay } from '../backoff.ts';
import { AppError, isAppError } from '../errors.ts';

export type RedisConnection = Redis | Cluster;

export interface RedisClientOptions {
  /** Prefix of every key and channel (default `ls:`); must not contain `{` or `}` (hash tags). */
  prefix?: string;
  /** A Redis Cluster: `url` may list several start nodes separated by commas; pub/sub is sharded. */
  cluster?: boolean;
  /** Give up a connection attempt after this long (default 2000 ms). */
  connectTimeoutMs?: number;
  /** Fail a command unanswered after this long (default 3000 ms). */
  commandTimeoutMs?: number;
  /** Cap of the reconnect backoff (default 2000 ms). */
  maxRetryDelayMs?: number;
  /** Connection errors (the clients reconnect by themselves); default: ignored. */
  onError?: (err: Error) => void;
}

export interface RedisClients {
  readonly prefix: string;
  readonly cluster: boolean;
  /** The shared command connection. */
  readonly command: RedisConnection;
  /** A new connection for subscriptions (sharded ones in cluster mode); the caller owns and closes it. */
  subscriber(): RedisConnection;
  /** True while the command connection is up. */
  ready(): boolean;
  close(): Promise<void>;
}

export const DEFAULT_PREFIX = 'ls:';

/** Connects and resolves once ready; rejects with AppError('unavailable') when Redis cannot be reached in time. */
export async function createRedisClients(url: string, opts: RedisClientOptions = {}): Promise<RedisClients> {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  if (/[{}]/.test(prefix))
    throw new AppError('validation_failed', 'The Redis prefix must not contain { or }');
  const connectTimeout = opts.connectTimeoutMs ?? 2000;
  const maxDelay = opts.maxRetryDelayMs ?? 2000;
  const base: RedisOptions = {
    connectTimeout,
    commandTimeout: opts.commandTimeoutMs ?? 3000,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    lazyConnect: false,
    retryStrategy: (times) => backoffDelay(times, { minMs: 100, maxMs: maxDelay }),
  };
  const onError = opts.onError ?? (() => {});
  const make = (forSubscriptions: boolean): RedisConnection => {
    const conn = opts.cluster
      ? new Cluster(startNodes(url), {
          redisOptions: { ...base, ...credentials(url) },
          enableOfflineQueue: false,
          clusterRetryStrategy: (times) => backoffDelay(times, { minMs: 100, maxMs: maxDelay }),
          shardedSubscribers: forSubscriptions,
        })
      : new Redis(url, base);
    conn.on('error', onError);
    return conn;
  };
  const command = make(false);
  try {
    await whenReady(command, connectTimeout);
  } catch (err) {
    command.disconnect();
    throw toUnavailable(err);
  }
  return {
    prefix,
    cluster: opts.cluster === true,
    command,
    subscriber: () => make(true),
    ready: () => command.status === 'ready',
    close: async () => {
      await command.quit().catch(() => command.disconnect());
    },
  };
}

/** Resolves when `conn` is ready, rejects after `timeoutMs`. */
export function whenReady(conn: RedisConnection, timeoutMs: number): Promise<void> {
  if (conn.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      conn.off('ready', onReady);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const timer = setTimeout(() => done(new Error('Redis did not become ready in time')), timeoutMs);
    conn.on('ready', onReady);
  });
}

/** Any failure from Redis as the seam's error; AppErrors pass through. */
export function toUnavailable(err: unknown): AppError {
  if (isAppError(err)) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError('unavailable', 'Redis is not available right now', { details: { reason } });
}

/** Runs `fn`, turning any Redis failure into AppError('unavailable'). */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toUnavailable(err);
  }
}

/**
 * A Lua script as an ioredis custom command (defineCommand): EVALSHA with the EVAL fallback on NOSCRIPT, in
 * pipelines too, handled by ioredis. Defined on a connection the first time it runs there. `name` must be
 * unique among the scripts.
 */
export class RedisScript {
  private readonly definedOn = new WeakSet<RedisConnection>();

  constructor(
    readonly name: string,
    readonly lua: string,
  ) {}

  run(conn: RedisConnection, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (!this.definedOn.has(conn)) {
      conn.defineCommand(this.name, { lua: this.lua });
      this.definedOn.add(conn);
    }
    const command = (conn as unknown as Record<string, ScriptCommand>)[this.name]!;
    return command.call(conn, keys.length, ...keys, ...args);
  }
}

type ScriptCommand = (numKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

function startNodes(url: string): ClusterNode[] {
  return url.split(',').map((u) => {
    const parsed = new URL(u.trim());
    return { host: parsed.hostname, port: Number(parsed.port || 6379) };
  });
}

function credentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const first = new URL(url.split(',')[0]!.trim());
  return {
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
