/** Token buckets keyed by any string (account, address, connection). */
export interface RateRule {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: the burst allowed after a quiet spell. */
  burst: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimiter {
  /** Takes `cost` tokens (default 1) from `key`'s bucket; a refused take takes nothing. cost 0 only reads. */
  consume(key: string, rule: RateRule, cost?: number): Promise<RateDecision>;
  /** Forgets `key` (e.g. after a successful login). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
