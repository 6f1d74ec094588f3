/**
 * Joins per connection (Config.rateLimits.joinsPerConnection, default 20 per 10 s): a token bucket per
 * connection, in this process (a connection lives on one gateway), so a client cannot walk through thousands of
 * rooms or hammer the access checks with join/leave loops. Joins per account (joinsPerUser, default 60 per
 * 10 s) go through the RateLimiter seam, shared by every gateway in scale-out mode, so opening more connections
 * (or reaching more gateways) does not multiply the allowance. A refused join answers `rate_limited` with
 * `retryAfterMs` (and counts as a strike when it ignored an earlier wait, like a refused send). Gap repairs and
 * resumes are joins too; the defaults leave room for them. Joins per client address (joinsPerAddress, default
 * 300 per 10 s) are counted per process, as the address caps are (address-limits.ts).
 */
import { AppError } from '../errors.ts';
import type { WindowLimit } from '../config/config.ts';
import { windowRule, type RateLimiter, type RateRule } from '../ratelimit/rate-limiter.ts';
import { AddressLimit } from './address-limits.ts';
import { takeToken, type Bucket } from './window-bucket.ts';

export class JoinLimiter {
  private readonly buckets = new WeakMap<object, Bucket>();

  constructor(
    private readonly rule: WindowLimit,
    private readonly now: () => number,
  ) {}

  /** Takes one join for `conn`, or throws AppError('rate_limited') with the wait. */
  take(conn: object): void {
    const { bucket, waitMs } = takeToken(this.buckets.get(conn), this.rule, this.now());
    this.buckets.set(conn, bucket);
    if (waitMs === 0) return;
    const { limit, windowMs } = this.rule;
    throw new AppError('rate_limited', `A connection joins at most ${limit} rooms per ${windowMs / 1000} s`, {
      retryAfterMs: waitMs,
    });
  }
}

/** Joins per client address in this process (address-limits.ts), refused as a connection's joins are. */
export class AddressJoinLimiter {
  private readonly limit: AddressLimit;

  constructor(
    private readonly rule: WindowLimit,
    now: () => number,
  ) {
    this.limit = new AddressLimit(rule, now);
  }

  /** Takes one join for `address`, or throws AppError('rate_limited') with the wait. */
  take(address: string): void {
    const waitMs = this.limit.take(address);
    if (waitMs === 0) return;
    const { limit, windowMs } = this.rule;
    throw new AppError('rate_limited', `One address joins at most ${limit} rooms per ${windowMs / 1000} s`, {
      retryAfterMs: waitMs,
    });
  }
}

export class UserJoinLimiter {
  private readonly rule: RateRule;

  constructor(
    private readonly limiter: Pick<RateLimiter, 'consume'>,
    private readonly limit: WindowLimit,
  ) {
    this.rule = windowRule(limit);
  }

  /** Takes one join for the account, or throws AppError('rate_limited') with the wait. */
  async take(userId: string): Promise<void> {
    const d = await this.limiter.consume(`join:u:${userId}`, this.rule);
    if (d.allowed) return;
    const { limit, windowMs } = this.limit;
    throw new AppError(
      'rate_limited',
      `An account joins at most ${limit} rooms per ${windowMs / 1000} s over all its connections`,
      { retryAfterMs: d.retryAfterMs },
    );
  }
}
