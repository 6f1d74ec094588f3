/**
 * Scale-out test clusters: N `lightstick serve --role gateway` processes and one `--role api` process, all
 * real child processes sharing one Redis (a unique key prefix per cluster) and one PostgreSQL database (a
 * unique schema per cluster). `stop()` ends every process it started, drops the schema and deletes the keys.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { freePort, spawnLightstick, tempDir, type Spawned } from './harness.ts';

export const REDIS_URL = process.env.LIGHTSTICK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
import { PG_URL, dropSchema } from './archive-resources.ts';
import { reap } from './reaper.ts';

export { PG_URL, dropSchema };

let seq = 0;
/** A name unique to this test process and call: the Redis key prefix and the PostgreSQL schema. */
export const uniqueTag = (what: string) =>
  `t_${what}_${process.pid}_${++seq}_${Math.random().toString(36).slice(2, 7)}`;

export interface ClusterOptions {
  gateways?: number;
  redisUrl?: string;
  /** Environment for every process (after the cluster's own). */
  env?: Record<string, string>;
  /** Run the compiled server (dist/server/main.js) instead of the TypeScript sources. */
  compiled?: boolean;
  /** Extra node flags for the gateway processes (the benchmark's --cpu-prof). */
  gatewayNodeArgs?: string[];
}

export interface Cluster {
  api: Spawned;
  gateways: Spawned[];
  /** The gateways' WebSocket URLs, in order. */
  wsUrls: string[];
  prefix: string;
  schema: string;
  /** Starts one more gateway (or one on a given port, to bring a killed one back). */
  addGateway(port?: number): Promise<Spawned>;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const prefix = `${uniqueTag('ls')}:`;
  const schema = uniqueTag('scale');
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const started: Spawned[] = [];
  let nodes = 0;
  const spawnRole = async (role: string, port?: number) => {
    const node = `${role}${nodes++}`;
    const s = await spawnLightstick({
      args: ['--role', role],
      ...(opts.compiled ? { compiled: true } : {}),
      ...(role === 'gateway' && opts.gatewayNodeArgs ? { nodeArgs: opts.gatewayNodeArgs } : {}),
      ...(port !== undefined ? { port } : {}),
      env: {
        LIGHTSTICK_REDIS_URL: redisUrl,
        LIGHTSTICK_REDIS_PREFIX: prefix,
        LIGHTSTICK_DATABASE_URL: PG_URL,
        LIGHTSTICK_DATABASE_SCHEMA: schema,
        LIGHTSTICK_DRAIN_TIMEOUT_MS: '2000',
        LIGHTSTICK_NODE_ID: node,
        ...opts.env,
      },
    });
    started.push(s);
    return s;
  };
  const stop = async () => {
    await Promise.all(started.map((s) => stopProcess(s)));
    await Promise.allSettled([
      dropSchema(schema),
      deleteKeys(redisUrl, prefix),
      ...started.map((s) => rm(s.dataDir, { recursive: true, force: true })),
    ]);
  };
  try {
    // The api process first: it migrates the fresh schema, so gateways never race for it.
    const api = await spawnRole('api');
    const gateways = await Promise.all(
      Array.from({ length: opts.gateways ?? 3 }, () => spawnRole('gateway')),
    );
    return {
      api,
      gateways,
      wsUrls: gateways.map((g) => g.wsUrl),
      prefix,
      schema,
      addGateway: (port) => spawnRole('gateway', port),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** SIGTERM (drain), then SIGKILL if the process has not exited within `ms`. */
export async function stopProcess(s: Spawned, ms = 10_000): Promise<void> {
  const timer = setTimeout(() => void s.kill('SIGKILL'), ms);
  await s.stop();
  clearTimeout(timer);
}

export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The samples of a Prometheus text exposition: each one's name, its label block as written (`{...}`, or ''), value. */
export function metricSamples(text: string): { name: string; labels: string; value: number }[] {
  const out: { name: string; labels: string; value: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m) out.push({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) });
  }
  return out;
}

/** Sum of a Prometheus metric's samples whose labels include every `labels` pair. */
export async function metricValue(
  baseUrl: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let sum = 0;
  for (const s of metricSamples(text)) {
    if (s.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => s.labels.includes(`${k}="${v}"`))) sum += s.value;
  }
  return sum;
}

/** Polls `check` every `everyMs` until it holds; throws `what` after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 20_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}

/** A redis-server of the test's own, on a spare port, with append-only persistence as production runs it. */
export interface RedisServer {
  port: number;
  url: string;
  /** SIGTERM (Redis flushes its AOF) and wait for the exit. */
  stop(): Promise<void>;
  /** Starts again on the same port and folder; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  destroy(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = await tempDir('lightstick-redis-');
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes'];
    args.push('--appendfsync', 'everysec', '--dir', dir, '--save', '');
    const p = reap(spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    proc = p;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        p.kill('SIGKILL');
        reject(new Error(`redis-server did not start:\n${out}`));
      }, 15_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      };
      p.stdout?.on('data', onData);
      p.stderr?.on('data', onData);
      p.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${out}`));
      });
    });
  };
  const stopWith = async (signal: NodeJS.Signals) => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    p.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopWith('SIGTERM'),
    start,
    async destroy() {
      const timer = setTimeout(() => void stopWith('SIGKILL'), 10_000);
      await stopWith('SIGTERM');
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
