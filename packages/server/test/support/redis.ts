/**
 * Redis for tests: the shared server at 127.0.0.1:6379 (LIGHTSTICK_TEST_REDIS_URL), a unique key prefix per test
 * with SCAN + DEL cleanup, and private redis-server processes on spare ports for outage tests (never the shared one).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisClients, type RedisClients } from '../../src/broker/redis-clients.ts';
import { reap } from './reaper.ts';
import { freePort } from './ports.ts';

export const TEST_REDIS_URL = process.env.LIGHTSTICK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix no other test uses. */
export function testPrefix(): string {
  return `lstest:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key starting with `prefix` on every given connection (SCAN + DEL). */
export async function deleteKeys(conn: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  do {
    const [next, keys] = await conn.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await conn.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Clients on the shared test Redis with a fresh prefix; cleanup deletes the prefix's keys and disconnects. */
export async function testClients(
  url = TEST_REDIS_URL,
): Promise<{ clients: RedisClients; prefix: string; cleanup(): Promise<void> }> {
  const prefix = testPrefix();
  const clients = await createRedisClients(url, { prefix });
  return {
    clients,
    prefix,
    async cleanup() {
      const admin = new Redis(url, { lazyConnect: false });
      try {
        await deleteKeys(admin, prefix);
      } finally {
        admin.disconnect();
        await clients.close();
      }
    },
  };
}

/** A private redis-server child process on a spare port: start, kill (outage), start again on the same port. */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly extraArgs: string[],
    private readonly cwd: string | undefined,
  ) {}

  static async start(opts: { args?: string[]; cwd?: string; port?: number } = {}): Promise<PrivateRedis> {
    const r = new PrivateRedis(opts.port ?? (await freePort()), opts.args ?? [], opts.cwd);
    await r.restart();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts the server (again) and waits until it answers PING. */
  async restart(): Promise<void> {
    if (this.child !== undefined) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const child = reap(
      spawn('redis-server', [...args, '--daemonize', 'no', ...this.extraArgs], {
        stdio: 'ignore',
        ...(this.cwd ? { cwd: this.cwd } : {}),
      }),
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        retryStrategy: () => null,
        connectTimeout: 500,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`);
        await sleep(50);
      } finally {
        probe.disconnect();
      }
    }
  }

  /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
