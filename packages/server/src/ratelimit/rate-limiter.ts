/** Token buckets keyed by any string (account, address, connection). */
import type { WindowLimit } from '../config/config.ts';

export interface RateRule {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the burst allowed after a quiet spell. */
  burst: number;
}

/** A `limit` per `windowMs` as a token bucket of the RateLimiter seam: the whole limit at once, refilled evenly. */
export const windowRule = ({ limit, windowMs }: WindowLimit): RateRule => ({
  ratePerSecond: limit / (windowMs / 1000),
  burst: limit,
});

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Takes `cost` tokens (default 1) from `key`'s bucket; a refused take takes nothing. cost 0 only reads. */
  consume(key: string, rule: RateRule, cost?: number): Promise<RateDecision>;
  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
