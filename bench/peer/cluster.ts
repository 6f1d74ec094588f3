/**
 * Starts N processes of a reference server on one Redis under a unique key, like startCluster: the Socket.IO
 * peer (bench/peer/server.mjs) or the floor (bench/peer/floor.mjs, fan-out with no engine).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { REDIS_URL } from '../../packages/server/test/support/cluster.ts';

const SERVERS = {
  socketio: fileURLToPath(new URL('./server.mjs', import.meta.url)),
  floor: fileURLToPath(new URL('./floor.mjs', import.meta.url)),
};
export type PeerKind = keyof typeof SERVERS;

export interface PeerProcess {
  pid: number;
  port: number;
  url: string;
  proc: ChildProcess;
}

export interface PeerCluster {
  gateways: PeerProcess[];
  /** Kills one process with SIGKILL (the storm scenario). */
  kill(i: number): void;
  stop(): Promise<void>;
}

function startOne(
  kind: PeerKind,
  key: string,
  nodeArgs: string[],
  env: Record<string, string>,
): Promise<PeerProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, SERVERS[kind]], {
    env: { ...process.env, ...env, PORT: '0', PEER_REDIS_URL: REDIS_URL, PEER_REDIS_KEY: key },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        const port = Number(m[1]);
        resolve({ pid: proc.pid ?? -1, port, url: `http://127.0.0.1:${port}`, proc });
      }
    });
    proc.once('exit', (code) => reject(new Error(`${kind} exited (${code}) before listening: ${out}`)));
  });
}

export async function startPeerCluster(
  kind: PeerKind,
  n: number,
  nodeArgs: string[] = [],
  /** More environment for each process (the allocator settings Lightstick's gateways get, bench/live.ts). */
  env: Record<string, string> = {},
): Promise<PeerCluster> {
  const key = `bench_${kind}_${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
  const gateways = await Promise.all(Array.from({ length: n }, () => startOne(kind, key, nodeArgs, env)));
  const stopOne = (g: PeerProcess) =>
    new Promise<void>((resolve) => {
      if (g.proc.exitCode !== null || g.proc.signalCode !== null) return resolve();
      const t = setTimeout(() => g.proc.kill('SIGKILL'), 5000);
      g.proc.once('exit', () => (clearTimeout(t), resolve()));
      g.proc.kill('SIGTERM');
    });
  return {
    gateways,
    kill: (i) => gateways[i]?.proc.kill('SIGKILL'),
    stop: async () => {
      await Promise.all(gateways.map(stopOne));
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect().catch(() => undefined);
      // The floor's position counters (the peer's adapter keeps nothing in Redis).
      const keys = await redis.keys(`${key}:*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys).catch(() => undefined);
      redis.disconnect();
    },
  };
}
