/**
 * `lightstick serve --workers N`: a node:cluster primary that forks N workers sharing the listening port
 * (the primary accepts and hands each connection to a worker, round robin). Each worker is a full
 * `serve` process with its own node id, broker subscriptions and open-file budget; they share state only
 * through Redis and PostgreSQL, as separate machines would. The primary serves nothing itself: it restarts
 * a worker that dies, forwards SIGTERM/SIGINT so every worker drains, and exits when they are all done.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config/config.ts';
import { backoffDelay } from '../backoff.ts';
import { ConfigError } from '../config/load.ts';
import { allocatorEnvFor } from '../config/allocator-env.ts';
import type { Logger } from '../observability/logger.ts';

export interface PrimaryOptions {
  logger: Logger;
  /** Extra wait past the workers' drain deadline before they are killed. */
  killGraceMs?: number;
}

/** Restart delays grow with crashes in the last minute, so a crash loop does not spin the CPU. */
const RESTART_BASE_MS = 250;
const RESTART_CAP_MS = 30_000;
const CRASH_WINDOW_MS = 60_000;

/** Workers share nothing in memory: chat across them needs the Redis broker and a shared database. */
export function checkWorkersConfig(config: Config): void {
  if (config.workers <= 1) return;
  if (!config.redisUrl) {
    throw new ConfigError(
      `LIGHTSTICK_WORKERS (--workers)=${config.workers} needs LIGHTSTICK_REDIS_URL: workers share rooms only through Redis`,
    );
  }
  if (!config.databaseUrl) {
    throw new ConfigError(
      `LIGHTSTICK_WORKERS (--workers)=${config.workers} needs LIGHTSTICK_DATABASE_URL: workers cannot share one SQLite file`,
    );
  }
}

/** Runs the primary until every worker has exited after a signal; resolves with the exit code. */
export function runPrimary(config: Config, opts: PrimaryOptions): Promise<number> {
  checkWorkersConfig(config);
  const { logger } = opts;
  const baseNodeId = process.env.LIGHTSTICK_NODE_ID;
  const slots = new Map<number, Worker>(); // slot index -> current worker
  const crashes: number[] = [];
  let stopping = false;
  let exitCode = 0;
  let listening = 0;
  let othersForked = false;

  return new Promise<number>((resolve) => {
    const finish = () => {
      if (stopping && slots.size === 0) resolve(exitCode);
    };

    const fork = (slot: number) => {
      // A fixed LIGHTSTICK_NODE_ID would be shared by every worker; give each its own. The allocator's settings
      // (config/allocator-env.ts) reach a worker only through the environment it starts with.
      const env = {
        ...allocatorEnvFor(process.env),
        ...(baseNodeId ? { LIGHTSTICK_NODE_ID: `${baseNodeId}-w${slot}` } : {}),
      };
      const worker = cluster.fork(env);
      slots.set(slot, worker);
      let up = false;
      worker.once('listening', () => {
        up = true;
        logger.info({ slot, pid: worker.process.pid }, 'worker listening');
        if (++listening === config.workers) {
          logger.info({ workers: config.workers, port: config.port }, 'all workers listening');
        }
        // The first worker starts alone: it runs the migrations and creates the admin account, so the
        // others never race for them on a fresh database.
        if (!othersForked) {
          othersForked = true;
          for (let s = 1; s < config.workers && !stopping; s++) fork(s);
        }
      });
      worker.once('exit', (code, signal) => {
        if (slots.get(slot) === worker) slots.delete(slot);
        if (up) listening--;
        if (stopping) {
          if (code !== 0 && exitCode === 0) exitCode = 1;
          logger.info({ slot, pid: worker.process.pid, code, signal }, 'worker exited');
          return finish();
        }
        if (!up && code === 2) {
          // Bad configuration is not going to fix itself: stop everything with the same exit code.
          logger.error({ slot, code }, 'worker refused its configuration; stopping');
          exitCode = 2;
          return void stop('worker-config');
        }
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && (crashes[0] as number) < now - CRASH_WINDOW_MS) crashes.shift();
        const delay = backoffDelay(crashes.length, { minMs: RESTART_BASE_MS, maxMs: RESTART_CAP_MS });
        logger.error({ slot, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker died');
        setTimeout(() => {
          if (!stopping) fork(slot);
        }, delay).unref();
      });
    };

    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal, workers: slots.size }, 'draining workers');
      for (const w of slots.values()) w.process.kill('SIGTERM');
      // A worker stuck past its own drain deadline is killed, so the primary always exits.
      const grace = config.drainTimeoutMs + (opts.killGraceMs ?? 5000);
      setTimeout(() => {
        for (const w of slots.values()) {
          logger.error({ pid: w.process.pid }, 'worker did not drain in time; killing');
          w.process.kill('SIGKILL');
        }
      }, grace).unref();
      finish();
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));

    fork(0);
  });
}

/** File descriptors kept back from sockets: database and Redis pools, log and data files, the runtime. */
const RESERVED_FDS = 1000;

/**
 * Sockets one process may hold: the soft open-file limit (Linux /proc/self/limits) less a reserve, so a
 * full process refuses new connections cleanly instead of failing to open a file or a database connection.
 * Undefined when the limit cannot be read or is unlimited.
 */
export async function socketBudget(readLimits: () => Promise<string>): Promise<number | undefined> {
  let text: string;
  try {
    text = await readLimits();
  } catch {
    return undefined;
  }
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (!m || m[1] === 'unlimited') return undefined;
  const soft = Number(m[1]);
  return Math.max(64, soft - Math.min(RESERVED_FDS, Math.floor(soft / 4)));
}
