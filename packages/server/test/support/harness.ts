/**
 * Starts real Lightstick servers for tests: in this process (`startLightstick`) or as a child process running
 * the real command line (`spawnLightstick`), each on an ephemeral port with its own temporary data folder.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GatewayLimits } from '../../src/gateway/gateway.ts';
import { loadConfig } from '../../src/config/load.ts';
import { startServer, type RunningServer } from '../../src/app/server.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { Logger } from '../../src/observability/logger.ts';
import type { StreamProvider } from '../../src/lives/providers/stream-provider.ts';
import { reap } from './reaper.ts';
import type { SendCheck } from '../../src/chat/send-service.ts';
import { freePort, retryIfTaken } from './ports.ts';

/** A free port for a child server, below the ephemeral range (ports.ts says why); a restart can reuse it. */
export { freePort };

export const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** Node flags that run the server's TypeScript from a clone: tsx, and the workspace packages from their sources. */
export const TSX_ARGS = ['--import', 'tsx', '--conditions=@lightstick/source'];
/** The installed command (`lightstick`), which needs no node flags. */
export const BIN = fileURLToPath(new URL('../../bin/lightstick.mjs', import.meta.url));
/** The compiled server (`npm run build`, packages/server/build.mjs): plain JavaScript, no loader. */
export const COMPILED_MAIN = fileURLToPath(new URL('../../dist/server/main.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const ADMIN_PASSWORD = 'admin-password-for-tests';
/** How long a spawned server may take to listen and turn ready: generous, since CI machines are busy. */
export const START_DEADLINE_MS = 120_000;
/** How long a spawned server may take to exit after SIGTERM before it is killed (drain 20 s + grace 15 s). */
export const STOP_DEADLINE_MS = 60_000;

/** Polls `<baseUrl>/readyz` until it answers 200, or throws at `deadline` with the server's output. */
export async function waitReady(
  baseUrl: string,
  deadline: number,
  output: () => string = () => '',
): Promise<void> {
  for (;;) {
    const ok = await fetch(`${baseUrl}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`server did not turn ready in time:\n${output()}`);
    await sleep(100);
  }
}

export async function tempDir(prefix = 'lightstick-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/**
 * The key-encryption key of every test server in PostgreSQL mode, which refuses to start without one. Fixed,
 * not random: processes of one test share a schema and must open each other's sealed keys.
 */
export const TEST_KEY_ENCRYPTION_KEY = '6c69676874737469636b2074657374206b65792d656e6372797074696f6e2121';

function baseEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...(extra.LIGHTSTICK_DATABASE_URL ? { LIGHTSTICK_KEY_ENCRYPTION_KEY: TEST_KEY_ENCRYPTION_KEY } : {}),
    HOST: '127.0.0.1',
    PORT: '0',
    LIGHTSTICK_DATA_DIR: dataDir,
    LIGHTSTICK_LOG_LEVEL: 'silent',
    LIGHTSTICK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // Every test server runs the media role too: its RTMP listener takes an ephemeral port, never 1935.
    LIGHTSTICK_RTMP_PORT: '0',
    LIGHTSTICK_RTMP_HOST: '127.0.0.1',
    // Load tests and benches open thousands of sockets from 127.0.0.1, often with one account; the caps'
    // defaults are tested in abuse-limits.test.ts, which sets its own, as address-limits.test.ts does for
    // joins and connects per address. For the same reason the per-account join limit and replay budget are
    // lifted (every socket of an account joins and resumes): their defaults are tested in
    // ws-join-limits.test.ts and ws-replay-budget.test.ts.
    LIGHTSTICK_WS_MAX_PER_ADDRESS: '1000000',
    LIGHTSTICK_WS_MAX_PER_ACCOUNT: '10000',
    LIGHTSTICK_USER_JOIN_LIMIT: '1000000',
    LIGHTSTICK_ADDRESS_JOIN_LIMIT: '1000000',
    LIGHTSTICK_ADDRESS_CONNECT_LIMIT: '1000000',
    LIGHTSTICK_LIVE_CREATE_LIMIT: '1000000',
    LIGHTSTICK_REPLAY_BUDGET_BYTES: String(1024 * 1024 * 1024),
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
    providers?: StreamProvider[];
    sendChecks?: SendCheck[];
  } = {},
): Promise<InProcess> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await tempDir());
  const config = loadConfig(baseEnv(dataDir, { LIGHTSTICK_DRAIN_TIMEOUT_MS: '1000', ...opts.env }));
  const server = await startServer(config, {
    ...(opts.limits ? { gatewayLimits: opts.limits } : {}),
    ...(opts.runtime ? { runtime: opts.runtime } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.providers ? { providers: opts.providers } : {}),
    ...(opts.sendChecks ? { sendChecks: opts.sendChecks } : {}),
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

/**
 * Runs `lightstick serve` as a child process and waits until it listens. Without `opts.port` it takes a free one,
 * and another if that was taken before the child bound it (ports.ts).
 */
export async function spawnLightstick(opts: SpawnOptions = {}): Promise<Spawned> {
  if (opts.port !== undefined) return spawnOn(opts.port, opts);
  const withDir = { ...opts, dataDir: opts.dataDir ?? (await tempDir()) }; // one folder, however many tries
  return retryIfTaken((port) => spawnOn(port, withDir));
}

export interface SpawnOptions {
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  args?: string[];
  /** Deadline for listening and ready (default START_DEADLINE_MS). */
  timeoutMs?: number;
  /** Wait for /readyz to answer 200 after listening (default true; false for roles without /readyz). */
  waitReady?: boolean;
  /** Start through bin/lightstick.mjs, as `npx lightstick` and the Docker image do (default: node flags). */
  viaBin?: boolean;
  /** Run the compiled server (dist/server/main.js) with plain node; the caller makes sure it is built. */
  compiled?: boolean;
  /** Node flags before the entry point (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

async function spawnOn(port: number, opts: SpawnOptions): Promise<Spawned> {
  const dataDir = opts.dataDir ?? (await tempDir());
  const env = {
    ...process.env,
    ...baseEnv(dataDir, { PORT: String(port), LIGHTSTICK_LOG_LEVEL: 'info', ...opts.env }),
  };
  const entry = opts.compiled ? [COMPILED_MAIN] : opts.viaBin ? [BIN] : [...TSX_ARGS, MAIN];
  const proc = reap(
    spawn(process.execPath, [...(opts.nodeArgs ?? []), ...entry, 'serve', ...(opts.args ?? [])], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Load-tolerant start: wait for the listening line, then for /readyz, against one generous deadline
  // (a busy CI machine can take many seconds to load the server); a process that exits first fails at once.
  const deadline = Date.now() + (opts.timeoutMs ?? START_DEADLINE_MS);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL'); // a server that never came up must not outlive the test
      reject(new Error(`server did not listen in time:\n${out}`));
    }, deadline - Date.now());
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
  if (opts.waitReady !== false) await waitReady(`http://127.0.0.1:${port}`, deadline, () => out);
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
    // A server that does not exit after SIGTERM (it should within its drain deadline and shutdown grace)
    // is killed after a bound, so the test fails on its exit code instead of hanging the file.
    stop: async () => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_DEADLINE_MS);
      try {
        return await kill('SIGTERM');
      } finally {
        clearTimeout(timer);
      }
    },
    kill,
  };
}
