/**
 * The replay budget (issue 8): a join with `since` is answered with every message after it, up to
 * `maxResumeMessages`, so a client that asked for the same old history again and again made the server send
 * hundreds of MiB. Each account may be sent Config.rateLimits.replayBytes of replay (`joined.missed`, as
 * serialised) per window, through the RateLimiter seam (one budget over all its connections and gateways:
 * reconnecting does not refill it). A replay that does not fit what is left is not sent: the join still
 * succeeds, answered `reload: true` with `missed: []`, which every client already handles by reading the
 * newest archive page, and the live stream continues. Nothing is taken for a replay that was not sent.
 */
import type { WindowLimit } from '../config/config.ts';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.ts';
import { windowRule } from '../ratelimit/rate-limiter.ts';

export class ReplayBudget {
  private readonly rule: RateRule;

  constructor(
    private readonly limiter: RateLimiter,
    limit: WindowLimit,
  ) {
    this.rule = windowRule(limit);
  }

  /** Takes `bytes` from the account's budget; false (nothing taken) when they do not fit. */
  async take(userId: string, bytes: number): Promise<boolean> {
    if (bytes <= 0) return true;
    return (await this.limiter.consume(`replay:u:${userId}`, this.rule, bytes)).allowed;
  }
}
