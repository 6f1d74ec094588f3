/**
 * Connections to Redis (one server or a Redis Cluster) shared by the Redis implementations of the seams, and
 * the one place where Redis failures become AppError('unavailable').
 *
 * Commands fail fast instead of queueing while the connection is down (enableOfflineQueue: false, no resend of
 * unanswered commands after a reconnect): a send must be refused with 'unavailable' at once, never stored twice.
 * Reconnection runs in the background with capped exponential backoff.
 *
 * The command connection to one Redis server pipelines automatically (ioredis's enableAutoPipelining; not on
 * a Redis Cluster, see make()): the commands issued in one turn of the event loop leave in one write. Each
 * write to Redis is a system call that, on loopback, also runs Redis's side of TCP: a join issues several
 * commands (connection counts, rate limits, history), and one write per command was a quarter of a gateway's
 * CPU while 10 000 fans connected (issue 6, docs/benchmarks.md).
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
    // Subscriptions are not pipelined (ioredis refuses them in pipelines anyway), nor is a Redis Cluster: there
    // ioredis routes an automatic pipeline by its first command's first key, and for a script (a custom
    // command) it takes the key count for the key, sending the pipeline to the wrong shard.
    const enableAutoPipelining = !forSubscriptions && opts.cluster !== true;
    const conn = opts.cluster
      ? new Cluster(startNodes(url), {
          redisOptions: { ...base, ...credentials(url) },
          enableOfflineQueue: false,
          clusterRetryStrategy: (times) => backoffDelay(times, { minMs: 100, maxMs: maxDelay }),
          shardedSubscribers: forSubscriptions,
        })
      : new Redis(url, { ...base, enableAutoPipelining });
    conn.on('error', onError);
    if (!forSubscriptions) for (const script of scripts) script.define(conn);
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

/** Every script made in this process, defined on each command connection as it is made. */
const scripts = new Set<RedisScript>();

/**
 * A Lua script as an ioredis custom command (defineCommand): EVALSHA with the EVAL fallback on NOSCRIPT, in
 * pipelines too, handled by ioredis. `name` must be unique among the scripts.
 *
 * Scripts are defined on a command connection when it is made, before any command: an automatic pipeline
 * takes the connection's commands when the pipeline is created, so a script defined later in the same turn
 * of the loop is missing from it, and ioredis then answers the whole pipeline out of step and throws outside
 * any promise ("results[i] is not iterable": the gateway crashed under load when this was tried first). A
 * script made after its connection (none in the server) waits one turn before its first call for that reason.
 */
export class RedisScript {
  private readonly definedOn = new WeakSet<RedisConnection>();

  constructor(
    readonly name: string,
    readonly lua: string,
  ) {
    scripts.add(this);
  }

  define(conn: RedisConnection): void {
    if (this.definedOn.has(conn)) return;
    conn.defineCommand(this.name, { lua: this.lua });
    this.definedOn.add(conn);
  }

  run(conn: RedisConnection, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (!this.definedOn.has(conn)) {
      this.define(conn);
      return new Promise((resolve) => setImmediate(resolve)).then(() => this.call(conn, keys, args));
    }
    return this.call(conn, keys, args);
  }

  private call(conn: RedisConnection, keys: string[], args: (string | number)[]): Promise<unknown> {
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
