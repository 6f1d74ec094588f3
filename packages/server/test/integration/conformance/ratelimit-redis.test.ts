/** The RateLimiter conformance suite over real Redis; close() also deletes the test's keys. */
import { RedisRateLimiter } from '../../../src/ratelimit/redis.ts';
import type { RateLimiter } from '../../../src/ratelimit/rate-limiter.ts';
import { testClients } from '../../support/redis.ts';
import { rateLimiterSuite } from '../../conformance/ratelimit.suite.ts';

rateLimiterSuite('redis', async (runtime): Promise<RateLimiter> => {
  const { clients, cleanup } = await testClients();
  const limiter = new RedisRateLimiter(clients, runtime);
  return {
    consume: (key, rule, cost) => limiter.consume(key, rule, cost),
    reset: (key) => limiter.reset(key),
    async close() {
      await limiter.close();
      await cleanup();
    },
  };
});
