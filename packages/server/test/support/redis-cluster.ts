/**
 * A private Redis Cluster for tests: three redis-server masters (no replicas) on spare ports with their config
 * files in a temp dir, joined with `redis-cli --cluster create`. Stop kills them and removes the dir.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { PrivateRedis } from './redis.ts';
import { reap } from './reaper.ts';

/**
 * No test fails a node over (there are no replicas), so detection speed buys nothing; a short timeout let a
 * starved node on a busy machine be marked failed, taking the cluster down (CLUSTERDOWN) under a test.
 */
const NODE_TIMEOUT_MS = 15_000;

export class PrivateRedisCluster {
  private constructor(
    readonly nodes: PrivateRedis[],
    private readonly dir: string,
  ) {}

  /** Start nodes for `create`, comma-separated. */
  get url(): string {
    return this.nodes.map((n) => n.url).join(',');
  }

  static async start(size = 3): Promise<PrivateRedisCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'lightstick-cluster-'));
    const nodes: PrivateRedis[] = [];
    const cluster = new PrivateRedisCluster(nodes, dir);
    try {
      for (let i = 0; i < size; i++) {
        const port = await clusterPort();
        const args = ['--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`];
        nodes.push(
          await PrivateRedis.start({
            port,
            cwd: dir,
            args: [...args, '--cluster-node-timeout', String(NODE_TIMEOUT_MS)],
          }),
        );
      }
      const addrs = nodes.map((n) => `127.0.0.1:${n.port}`);
      await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', '0', '--cluster-yes']);
      await cluster.waitHealthy();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.kill()));
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Every node says cluster_state:ok and knows all 16384 slots. */
  private async waitHealthy(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (const node of this.nodes) {
      const conn = new Redis(node.url);
      try {
        for (;;) {
          const info = await conn.cluster('INFO');
          if (info.includes('cluster_state:ok') && info.includes('cluster_slots_ok:16384')) break;
          if (Date.now() > deadline) throw new Error(`cluster node ${node.port} not healthy: ${info}`);
          await sleep(50);
        }
      } finally {
        conn.disconnect();
      }
    }
  }
}

/** A free port whose cluster bus port (+10000) is free too. */
async function clusterPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await isFree(port)) && (await isFree(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = reap(spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}
