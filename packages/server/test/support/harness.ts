/**
 * Starts real Lightstick servers for tests: in this process (`startLightstick`) or as a child process running
 * the real command line (`spawnLightstick`), each on an ephemeral port with its own temporary data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayLimits } from '../../src/gateway/gateway.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startServer, type RunningServer } from '../../src/app/server.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { Logger } from '../../src/observability/logger.ts';

export const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const ADMIN_PASSWORD = 'admin-password-for-tests';

export async function tempDir(prefix = 'lightstick-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

function baseEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LIGHTSTICK_DATA_DIR: dataDir,
    LIGHTSTICK_LOG_LEVEL: 'silent',
    LIGHTSTICK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...extra,
  };
}

export interface InProcess {
  baseUrl: string;
  wsUrl: string;
  dataDir: string;
  server: RunningServer;
  services: RunningServer['built']['services'];
  /** Drains and closes; removes the data folder unless `keepData`. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startLightstick(
  opts: {
    dataDir?: string;
    env?: Record<string, string>;
    limits?: Partial<GatewayLimits>;
    runtime?: Runtime;
    logger?: Logger;
  } = {},
): Promise<InProcess> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await tempDir());
  const config = loadConfig(baseEnv(dataDir, { LIGHTSTICK_DRAIN_TIMEOUT_MS: '1000', ...opts.env }));
  const server = await startServer(config, {
    ...(opts.limits ? { gatewayLimits: opts.limits } : {}),
    ...(opts.runtime ? { runtime: opts.runtime } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${server.port}/ws`,
    dataDir,
    server,
    services: server.built.services,
    async stop(stopOpts = {}) {
      await server.shutdown();
      if (ownDir && !stopOpts.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A free TCP port on 127.0.0.1 (so a restarted child can come back on the same one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  baseUrl: string;
  wsUrl: string;
  port: number;
  dataDir: string;
  proc: ChildProcess;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (drain) and wait for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `lightstick serve` as a child process and waits until it listens. */
export async function spawnLightstick(
  opts: {
    dataDir?: string;
    port?: number;
    env?: Record<string, string>;
    args?: string[];
    timeoutMs?: number;
  } = {},
): Promise<Spawned> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const port = opts.port ?? (await freePort());
  const env = {
    ...process.env,
    ...baseEnv(dataDir, { PORT: String(port), LIGHTSTICK_LOG_LEVEL: 'info', ...opts.env }),
  };
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL'); // a server that never came up must not outlive the test
      reject(new Error(`server did not listen in time:\n${out}`));
    }, opts.timeoutMs ?? 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/"msg":"listening"/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
    });
  });
  const kill = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    port,
    dataDir,
    proc,
    pid: proc.pid ?? -1,
    output: () => out,
    exited,
    stop: () => kill('SIGTERM'),
    kill,
  };
}
