/** Takes one token for a person and an HTTP action, or refuses with rate_limited and the wait. */
import { AppError } from '../errors.ts';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.ts';

export async function limitOrRefuse(limiter: RateLimiter, key: string, rule: RateRule): Promise<void> {
  const d = await limiter.consume(key, rule);
  if (!d.allowed)
    throw new AppError('rate_limited', 'Too many requests; wait a moment', { retryAfterMs: d.retryAfterMs });
}
