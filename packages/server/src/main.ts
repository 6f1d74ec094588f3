/**
 * Command line: `lightstick serve [--role gateway,api,web,media|all] [--port N] [--host H] [--data-dir D]
 * [--workers N]` and `lightstick migrate`. Exit codes: 0 ok, 1 failed at run time, 2 bad configuration or usage.
 * With `--workers N` (N > 1) this process becomes a node:cluster primary and each worker runs this file again.
 */
import cluster from 'node:cluster';
import { defineNodeNavigator } from './node-compat.ts';
import { readFile } from 'node:fs/promises';
import { ConfigError, loadConfig } from './config/load.ts';
import { requireKeyEncryption } from './config/key-encryption.ts';
import { startServer } from './app/server.ts';
import { migrateOnly } from './app/build.ts';
import { runPrimary, socketBudget } from './app/workers.ts';
import { createLogger } from './observability/logger.ts';

/** How long after the drain deadline the rest of a shutdown (closing stores, providers) may take. */
const SHUTDOWN_GRACE_MS = 15_000;

const USAGE =
  'usage: lightstick serve [--role ROLES] [--port N] [--host H] [--data-dir DIR] [--workers N] | lightstick migrate';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve' && command !== 'migrate') {
    process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(process.env, rest);
  if (command === 'migrate') {
    await migrateOnly(config);
    return 0;
  }
  if (config.workers > 1 && cluster.isPrimary) {
    // Refused once here rather than once per worker.
    requireKeyEncryption(config);
    const logger = createLogger({ level: config.logLevel, nodeId: `${config.nodeId}-primary` });
    return runPrimary(config, { logger });
  }
  const server = await startServer(config);
  // Stay inside the open-file limit: past this many sockets new connections are closed at once, and a
  // client with several gateway URLs moves on to the next.
  const budget = await socketBudget(() => readFile('/proc/self/limits', 'utf8'));
  if (budget !== undefined) server.http.server.maxConnections = budget;
  server.logger.info({ maxConnections: budget ?? null }, 'socket budget');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.logger.info({ signal }, 'draining');
    // The drain is bounded by drainTimeoutMs; a step after it that never settles (a store or provider that
    // does not answer its close) must not keep a stopped process alive: Kubernetes would SIGKILL it later,
    // a laptop's `npm start` would hang on Ctrl-C.
    const overrun = setTimeout(() => {
      server.logger.error(
        { afterMs: config.drainTimeoutMs + SHUTDOWN_GRACE_MS },
        'shutdown overran; exiting',
      );
      process.exit(1);
    }, config.drainTimeoutMs + SHUTDOWN_GRACE_MS);
    overrun.unref();
    server
      .shutdown()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        server.logger.error({ err }, 'drain failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return -1; // keep running
}

// Before anything loads pg (node-compat.ts).
defineNodeNavigator();
main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`lightstick: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `lightstick: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
