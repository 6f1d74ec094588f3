/**
 * Connection counts over Redis (scale-out mode), the ownership pattern of the room counters (presence/redis.ts):
 * all keys carry the hash tag `{conns}` (one cluster slot): `nodes` (zset node -> expiry by the injected clock)
 * and `n:<node>` (hash key -> slots this node holds). An acquire is one script: forget the nodes whose expiry
 * passed (deleting their hashes), sum the key over the live nodes (O(nodes)), and take a slot when under the
 * cap. Each node refreshes its expiry every `intervalMs`; a node killed without a goodbye stops counting
 * `ttlMs` later, and its hash also expires by itself (PEXPIRE) should no node remain to forget it.
 *
 * The node keeps what it holds in memory too: when its refresh finds Redis holding another total (Redis
 * restarted, or the node was taken for dead during a long pause), it writes its holdings back in one script.
 */
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import { AppError } from '../errors.ts';
import { guarded, RedisScript, type RedisClients } from '../broker/redis-clients.ts';
import type { ConnectionCounts } from './connection-counts.ts';

const PRUNE = `
local function prune(base, now)
  for _, other in ipairs(redis.call('ZRANGEBYSCORE', base .. 'nodes', '-inf', now)) do
    redis.call('DEL', base .. 'n:' .. other)
    redis.call('ZREM', base .. 'nodes', other)
  end
end
local function alive(base, now, ttl, node, keep, nodes_keep)
  redis.call('ZADD', base .. 'nodes', now + ttl, node)
  redis.call('PEXPIRE', base .. 'n:' .. node, keep)
  redis.call('PEXPIRE', base .. 'nodes', nodes_keep)
end
`;

/** ARGV: base, now, ttl, node, hash expiry ms, nodes expiry ms, key, cap. Returns 1 when a slot was taken. */
const ACQUIRE = new RedisScript(
  'lightstickConnAcquire',
  `${PRUNE}
local base, now, ttl, node = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local key, cap = ARGV[7], tonumber(ARGV[8])
prune(base, now)
local held = 0
for _, other in ipairs(redis.call('ZRANGE', base .. 'nodes', 0, -1)) do
  if other ~= node then held = held + tonumber(redis.call('HGET', base .. 'n:' .. other, key) or '0') end
end
held = held + tonumber(redis.call('HGET', base .. 'n:' .. node, key) or '0')
if held >= cap then return 0 end
redis.call('HINCRBY', base .. 'n:' .. node, key, 1)
alive(base, now, ttl, node, tonumber(ARGV[5]), tonumber(ARGV[6]))
return 1
`,
);

/** ARGV: base, node, key. */
const RELEASE = new RedisScript(
  'lightstickConnRelease',
  `
local mine = ARGV[1] .. 'n:' .. ARGV[2]
local n = tonumber(redis.call('HGET', mine, ARGV[3]) or '0')
if n <= 1 then redis.call('HDEL', mine, ARGV[3]) else redis.call('HINCRBY', mine, ARGV[3], -1) end
return 1
`,
);

/** ARGV: base, now, ttl, node, hash expiry ms, nodes expiry ms. Returns the slots Redis holds for the node. */
const REFRESH = new RedisScript(
  'lightstickConnRefresh',
  `${PRUNE}
local base, now, ttl, node = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
prune(base, now)
alive(base, now, ttl, node, tonumber(ARGV[5]), tonumber(ARGV[6]))
local sum = 0
for _, v in ipairs(redis.call('HVALS', base .. 'n:' .. node)) do sum = sum + tonumber(v) end
return sum
`,
);

/** ARGV: base, now, ttl, node, hash expiry ms, nodes expiry ms, then (key, slots) pairs: the node's holdings. */
const RESTORE = new RedisScript(
  'lightstickConnRestore',
  `${PRUNE}
local base, now, ttl, node = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local mine = base .. 'n:' .. node
prune(base, now)
redis.call('DEL', mine)
for i = 7, #ARGV, 2 do redis.call('HSET', mine, ARGV[i], ARGV[i + 1]) end
alive(base, now, ttl, node, tonumber(ARGV[5]), tonumber(ARGV[6]))
return 1
`,
);

/** ARGV: base, node. */
const REMOVE = new RedisScript(
  'lightstickConnRemove',
  `
redis.call('DEL', ARGV[1] .. 'n:' .. ARGV[2])
redis.call('ZREM', ARGV[1] .. 'nodes', ARGV[2])
return 1
`,
);

export interface RedisConnectionCountsOptions {
  /** This gateway node's id (LIGHTSTICK_NODE_ID). */
  node: string;
  /** How often the node refreshes its claim. */
  intervalMs: number;
  /** A node silent this long no longer counts (by the injected clock). */
  ttlMs: number;
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  logger?: Logger;
}

export class RedisConnectionCounts implements ConnectionCounts {
  private readonly base: string;
  /** What this node holds: key -> slots granted and not yet given back. */
  private readonly held = new Map<string, number>();
  /** Bumped by every acquire and release: a refresh that overlapped one cannot judge the totals. */
  private ops = 0;
  private inFlight = 0;
  private refreshing = false;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly clients: RedisClients,
    private readonly runtime: Runtime,
    private readonly opts: RedisConnectionCountsOptions,
  ) {
    this.base = `${opts.prefix ?? clients.prefix}{conns}:`;
    this.timer = setInterval(() => void this.refresh(), opts.intervalMs);
    this.timer.unref();
  }

  async acquire(key: string, cap: number): Promise<boolean> {
    if (this.closed) throw new AppError('unavailable', 'connection counts are closed');
    // In flight until the slot is counted in `held`: a refresh answered in between would otherwise see Redis
    // ahead of the node and write the stale holdings back (regression test connection-counts-refresh-...).
    const taken = await this.track(async () => {
      const granted =
        (await ACQUIRE.run(this.clients.command, [this.base], [...this.alive(), key, cap])) === 1;
      if (granted) this.held.set(key, (this.held.get(key) ?? 0) + 1);
      return granted;
    });
    return taken;
  }

  async release(key: string): Promise<void> {
    const n = this.held.get(key);
    if (n === undefined) return;
    if (n <= 1) this.held.delete(key);
    else this.held.set(key, n - 1);
    await this.track(() => RELEASE.run(this.clients.command, [this.base], [this.base, this.opts.node, key]));
  }

  /**
   * Renews this node's claim and checks that Redis holds what the node holds; writes the holdings back when
   * not (and no acquire or release ran meanwhile, whose effect the totals could not show yet). Public for tests.
   */
  async refresh(): Promise<void> {
    if (this.refreshing || this.closed) return;
    this.refreshing = true;
    const opsBefore = this.ops;
    try {
      const stored = Number(
        await guarded(() => REFRESH.run(this.clients.command, [this.base], this.alive())),
      );
      const mine = [...this.held.values()].reduce((a, b) => a + b, 0);
      if (stored !== mine && this.inFlight === 0 && this.ops === opsBefore) {
        this.opts.logger?.warn({ stored, held: mine }, 'connection counts lost in Redis; writing them back');
        const pairs = [...this.held].flatMap(([k, n]) => [k, n]);
        await guarded(() => RESTORE.run(this.clients.command, [this.base], [...this.alive(), ...pairs]));
      }
    } catch (err) {
      // Redis unreachable: the next refresh tries again; acquires fail meanwhile and the caller decides.
      this.opts.logger?.debug({ err }, 'connection counts refresh failed');
    } finally {
      this.refreshing = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.held.clear();
    await guarded(() => REMOVE.run(this.clients.command, [this.base], [this.base, this.opts.node]));
  }

  /** The script arguments that renew this node's claim. */
  private alive(): (string | number)[] {
    const { ttlMs, node } = this.opts;
    // The hash outlives two refreshes missed; the node list lasts a day after the deployment stopped.
    return [this.base, this.runtime.now(), Math.max(1, ttlMs), node, Math.max(1, ttlMs * 2), 86_400_000];
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    this.ops++;
    this.inFlight++;
    try {
      return await guarded(fn);
    } finally {
      this.inFlight--;
    }
  }
}
