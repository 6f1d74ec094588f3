/**
 * Token buckets in Redis, shared by every process: one hash per key (`<prefix>rl:<key>`: k=tokens, at=ms) and one
 * Lua script per take, with the arithmetic of the in-memory limiter so both answer alike. Time is the injected
 * clock, passed to the script. A bucket expires (real time) once it would be full again plus a margin: a full
 * bucket and no bucket are the same.
 */
import type { Runtime } from '../runtime.ts';
import { guarded, RedisScript, type RedisClients } from '../broker/redis-clients.ts';
import { bucketKey } from '../broker/redis-keys.ts';
import type { RateDecision, RateLimiter, RateRule } from './rate-limiter.ts';

/**
 * KEYS: bucket. ARGV: now, rate per second, burst, cost, margin ms, longest idle ms.
 * Returns {1, remaining} or {0, retry after ms}.
 */
const CONSUME = new RedisScript(
  'lightstickConsume',
  `
local now, rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local margin, longest = tonumber(ARGV[5]), tonumber(ARGV[6])
local function fill_ms(missing)
  if missing <= 0 then return 0 end
  if rate <= 0 then return longest end
  return math.ceil((missing / rate) * 1000)
end
local tokens = burst
local held = redis.call('HMGET', KEYS[1], 'k', 'at')
if held[1] then
  local elapsed = math.max(0, now - tonumber(held[2])) / 1000
  tokens = math.min(burst, tonumber(held[1]) + elapsed * rate)
end
local need = cost
if cost == 0 then need = 1 end
-- A hair of tolerance so float refills (0.1 s x 10/s) do not refuse a take that is due.
if tokens + 1e-9 < need then return { 0, math.max(1, fill_ms(need - tokens)) } end
if cost == 0 then return { 1, math.floor(tokens) } end
local left = math.max(0, tokens - cost)
redis.call('HSET', KEYS[1], 'k', string.format('%.17g', left), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.min(fill_ms(burst - left), longest) + margin)
return { 1, math.floor(left) }
`,
);

export interface RedisRateLimiterOptions {
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  /** Real-time margin kept after a bucket would be full again (default 60 s). */
  expiryMarginMs?: number;
  /** Longest a bucket is kept (a rule with rate 0 never refills; default 24 h). */
  maxIdleMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly margin: number;
  private readonly maxIdleMs: number;

  constructor(
    private readonly clients: RedisClients,
    private readonly runtime: Runtime,
    opts: RedisRateLimiterOptions = {},
  ) {
    this.prefix = opts.prefix ?? clients.prefix;
    this.margin = opts.expiryMarginMs ?? 60_000;
    this.maxIdleMs = opts.maxIdleMs ?? 24 * 60 * 60 * 1000;
  }

  async consume(key: string, rule: RateRule, cost = 1): Promise<RateDecision> {
    if (!(cost >= 0)) throw new RangeError('cost must be >= 0');
    const [allowed, n] = (await guarded(() =>
      CONSUME.run(
        this.clients.command,
        [bucketKey(this.prefix, key)],
        [this.runtime.now(), rule.ratePerSecond, rule.burst, cost, this.margin, this.maxIdleMs],
      ),
    )) as [number, number];
    return allowed === 1 ? { allowed: true, remaining: n } : { allowed: false, retryAfterMs: n };
  }

  async reset(key: string): Promise<void> {
    await guarded(() => this.clients.command.del(bucketKey(this.prefix, key)));
  }

  /** The connection is the caller's (createRedisClients): closing the limiter releases nothing. */
  async close(): Promise<void> {}
}
