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
 *
 * Acquires and releases are batched per node (issue 6, cheap connects): what arrives within `batchMs` (50 ms)
 * leaves as ONE script call (up to `MAX_BATCH` requests), which prunes and lists the nodes once and reads each
 * node's counts with one HMGET for all the batch's keys. One script per socket ran six commands plus one HGET
 * per live node (14 with 8 nodes) on every connect, in Redis, which shares the machine. A claim does not hold up
 * the connection (Admission takes it after `authed`), so the window costs a socket over the cap at most those
 * milliseconds more.
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

/**
 * ARGV: base, now, ttl, node, hash expiry ms, nodes expiry ms, then (key, cap) pairs in the order asked.
 * Returns 1 or 0 per pair: 1 when a slot was taken. Pairs of one key are judged in order against one sum.
 */
const ACQUIRE = new RedisScript(
  'lightstickConnAcquireMany',
  `${PRUNE}
local base, now, ttl, node = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local mine = base .. 'n:' .. node
prune(base, now)
local keys, index = {}, {}
for i = 7, #ARGV, 2 do
  if not index[ARGV[i]] then keys[#keys + 1] = ARGV[i]; index[ARGV[i]] = #keys end
end
local held = {}
for j = 1, #keys do held[j] = 0 end
local function count(hash)
  local values = redis.call('HMGET', hash, unpack(keys))
  for j = 1, #keys do held[j] = held[j] + tonumber(values[j] or '0') end
end
local listed = false
for _, other in ipairs(redis.call('ZRANGE', base .. 'nodes', 0, -1)) do
  if other == node then listed = true end
  count(base .. 'n:' .. other)
end
if not listed then count(mine) end
local taken = {}
for i = 7, #ARGV, 2 do
  local j = index[ARGV[i]]
  if held[j] < tonumber(ARGV[i + 1]) then
    held[j] = held[j] + 1
    redis.call('HINCRBY', mine, ARGV[i], 1)
    taken[#taken + 1] = 1
  else
    taken[#taken + 1] = 0
  end
end
alive(base, now, ttl, node, tonumber(ARGV[5]), tonumber(ARGV[6]))
return taken
`,
);

/** ARGV: base, node, then (key, slots) pairs: slots given back per key. */
const RELEASE = new RedisScript(
  'lightstickConnReleaseMany',
  `
local mine = ARGV[1] .. 'n:' .. ARGV[2]
for i = 3, #ARGV, 2 do
  local n, give = tonumber(redis.call('HGET', mine, ARGV[i]) or '0'), tonumber(ARGV[i + 1])
  if n <= give then redis.call('HDEL', mine, ARGV[i]) else redis.call('HINCRBY', mine, ARGV[i], -give) end
end
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
  /** How long acquires and releases gather before they leave as one script call (default BATCH_MS). */
  batchMs?: number;
  logger?: Logger;
}

/**
 * How long a batch gathers by default. At 10 ms, a gateway taking ~90 fans a second (100 000 joining over six)
 * sent a script for every two or three of them (0.42 a join, each listing and reading every node's hash);
 * 50 ms gathers five times as many (docs/benchmarks.md "Stop 47").
 */
const BATCH_MS = 50;

/** Requests per script call at most: a batch is one Lua run, which holds Redis for its length. */
const MAX_BATCH = 500;

interface PendingAcquire {
  key: string;
  cap: number;
  done(taken: boolean): void;
  fail(err: unknown): void;
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
  /** The batch gathering now: acquires in order, releases as slots per key (one HINCRBY each). */
  private acquires: PendingAcquire[] = [];
  private releases = new Map<string, number>();
  private released: { done(): void; fail(err: unknown): void }[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
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

  acquire(key: string, cap: number): Promise<boolean> {
    if (this.closed) return Promise.reject(new AppError('unavailable', 'connection counts are closed'));
    // In flight until the slot is counted in `held`: a refresh answered in between would otherwise see Redis
    // ahead of the node and write the stale holdings back (regression test connection-counts-refresh-...).
    this.ops++;
    this.inFlight++;
    return new Promise((done, fail) => {
      this.acquires.push({ key, cap, done, fail });
      this.schedule();
    });
  }

  release(key: string): Promise<void> {
    const n = this.held.get(key);
    if (n === undefined) return Promise.resolve(); // never taken, or closed (close forgets every slot)
    if (n <= 1) this.held.delete(key);
    else this.held.set(key, n - 1);
    this.ops++;
    this.inFlight++;
    this.releases.set(key, (this.releases.get(key) ?? 0) + 1);
    return new Promise((done, fail) => {
      this.released.push({ done, fail });
      this.schedule();
    });
  }

  /** Sends what gathered at once: the next batch starts its own window. Public for tests. */
  flush(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.releases.size > 0) this.sendReleases();
    while (this.acquires.length > 0) this.sendAcquires(this.acquires.splice(0, MAX_BATCH));
  }

  private schedule(): void {
    if (this.acquires.length + this.released.length >= MAX_BATCH) return this.flush();
    this.flushTimer ??= setTimeout(() => this.flush(), this.opts.batchMs ?? BATCH_MS);
  }

  private sendAcquires(batch: PendingAcquire[]): void {
    const pairs = batch.flatMap((a) => [a.key, a.cap]);
    guarded(() => ACQUIRE.run(this.clients.command, [this.base], [...this.alive(), ...pairs])).then(
      (answer) => {
        const taken = answer as number[];
        batch.forEach((a, i) => {
          const granted = taken[i] === 1;
          if (granted) this.held.set(a.key, (this.held.get(a.key) ?? 0) + 1);
          this.inFlight--;
          a.done(granted);
        });
      },
      (err: unknown) => {
        this.inFlight -= batch.length;
        for (const a of batch) a.fail(err);
      },
    );
  }

  private sendReleases(): void {
    const pairs = [...this.releases].flatMap(([k, n]) => [k, n]);
    const waiting = this.released;
    this.releases = new Map();
    this.released = [];
    guarded(() => RELEASE.run(this.clients.command, [this.base], [this.base, this.opts.node, ...pairs])).then(
      () => {
        this.inFlight -= waiting.length;
        for (const r of waiting) r.done();
      },
      (err: unknown) => {
        this.inFlight -= waiting.length;
        for (const r of waiting) r.fail(err);
      },
    );
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
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // Nothing gathered is sent: the node's hash goes below, which gives every slot back.
    const refused = new AppError('unavailable', 'connection counts are closed');
    // What was never sent stops counting as in flight; batches already sent count down when answered.
    this.inFlight -= this.acquires.length + this.released.length;
    for (const a of this.acquires.splice(0)) a.fail(refused);
    for (const r of this.released.splice(0)) r.done();
    this.releases.clear();
    this.held.clear();
    await guarded(() => REMOVE.run(this.clients.command, [this.base], [this.base, this.opts.node]));
  }

  /** The script arguments that renew this node's claim. */
  private alive(): (string | number)[] {
    const { ttlMs, node } = this.opts;
    // The hash outlives two refreshes missed; the node list lasts a day after the deployment stopped.
    return [this.base, this.runtime.now(), Math.max(1, ttlMs), node, Math.max(1, ttlMs * 2), 86_400_000];
  }
}
