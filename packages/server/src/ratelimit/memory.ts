/**
 * In-process token buckets: the real single-process rate limiter, not a mock.
 * A bucket that has refilled to its burst is the same as no bucket, so such buckets are dropped on a
 * periodic sweep; a hard key cap bounds memory even under a flood of distinct keys.
 */
import type { Runtime } from '../runtime.ts';
import type { RateDecision, RateLimiter, RateRule } from './rate-limiter.ts';

interface Bucket {
  tokens: number;
  /** Time (ms) of the last refill computation. */
  at: number;
  /** Time (ms) at which the bucket is full again and can be forgotten. */
  fullAt: number;
}

export interface MemoryRateLimiterOptions {
  /** Most keys held at once; past it the least recently used are dropped (default 100 000). */
  maxKeys?: number;
  /** Sweep for full buckets at most this often (default 10 s). */
  sweepEveryMs?: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxKeys: number;
  private readonly sweepEveryMs: number;
  private lastSweep: number;

  constructor(
    private readonly runtime: Runtime,
    opts: MemoryRateLimiterOptions = {},
  ) {
    this.maxKeys = opts.maxKeys ?? 100_000;
    this.sweepEveryMs = opts.sweepEveryMs ?? 10_000;
    this.lastSweep = runtime.now();
  }

  /** Keys currently held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  async consume(key: string, rule: RateRule, cost = 1): Promise<RateDecision> {
    if (!(cost >= 0)) throw new RangeError('cost must be >= 0');
    const now = this.runtime.now();
    this.maybeSweep(now);
    const prev = this.buckets.get(key);
    const tokens = prev ? refill(prev, rule, now) : rule.burst;
    // cost 0 reads: it answers whether a take of one token would pass now.
    const need = cost === 0 ? 1 : cost;
    // A hair of tolerance so float refills (0.1 s x 10/s) do not refuse a take that is due.
    if (tokens + 1e-9 < need) {
      return { allowed: false, retryAfterMs: retryAfter(need - tokens, rule) };
    }
    if (cost === 0) return { allowed: true, remaining: Math.floor(tokens) };
    const left = Math.max(0, tokens - cost);
    // Delete then set keeps Map order = least recently used first, for the cap below.
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: left, at: now, fullAt: now + fillMs(rule.burst - left, rule) });
    if (this.buckets.size > this.maxKeys) this.evictOldest();
    return { allowed: true, remaining: Math.floor(left) };
  }

  /**
   * One token from each bucket, all or none (a send takes its (user, room) bucket and the room's ceiling
   * together): refused, nothing is taken and retryAfterMs is the longest wait among the refusing buckets.
   */
  takeAll(takes: readonly { key: string; rule: RateRule }[]): RateDecision {
    const now = this.runtime.now();
    this.maybeSweep(now);
    let wait = 0;
    let remaining = Number.POSITIVE_INFINITY;
    const levels = takes.map(({ key, rule }) => {
      const prev = this.buckets.get(key);
      const tokens = prev ? refill(prev, rule, now) : rule.burst;
      if (tokens + 1e-9 < 1) wait = Math.max(wait, retryAfter(1 - tokens, rule));
      return tokens;
    });
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    takes.forEach(({ key, rule }, i) => {
      const left = Math.max(0, levels[i]! - 1);
      remaining = Math.min(remaining, Math.floor(left));
      this.buckets.delete(key);
      this.buckets.set(key, { tokens: left, at: now, fullAt: now + fillMs(rule.burst - left, rule) });
    });
    if (this.buckets.size > this.maxKeys) this.evictOldest();
    return { allowed: true, remaining: Number.isFinite(remaining) ? remaining : 0 };
  }

  async reset(key: string): Promise<void> {
    this.buckets.delete(key);
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }

  /** Drops every bucket that has refilled completely. Runs at most once per `sweepEveryMs`. */
  sweep(now = this.runtime.now()): void {
    this.lastSweep = now;
    for (const [key, b] of this.buckets) if (b.fullAt <= now) this.buckets.delete(key);
  }

  private maybeSweep(now: number): void {
    if (now - this.lastSweep >= this.sweepEveryMs) this.sweep(now);
  }

  private evictOldest(): void {
    // Forgetting a bucket only ever errs towards allowing; the cap protects memory, not fairness.
    this.sweep();
    while (this.buckets.size > this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (oldest.done) break;
      this.buckets.delete(oldest.value);
    }
  }
}

function refill(b: Bucket, rule: RateRule, now: number): number {
  const elapsed = Math.max(0, now - b.at) / 1000;
  return Math.min(rule.burst, b.tokens + elapsed * rule.ratePerSecond);
}

function fillMs(missing: number, rule: RateRule): number {
  if (missing <= 0) return 0;
  if (rule.ratePerSecond <= 0) return Number.MAX_SAFE_INTEGER;
  return Math.ceil((missing / rule.ratePerSecond) * 1000);
}

function retryAfter(missing: number, rule: RateRule): number {
  return Math.max(1, fillMs(missing, rule));
}
