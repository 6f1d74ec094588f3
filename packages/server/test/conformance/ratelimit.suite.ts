/**
 * Conformance suite for every RateLimiter implementation (memory now, Redis later).
 * The factory receives a Runtime whose clock the suite moves by hand, so no test waits on real time.
 *
 * Contract checked here, beyond the interface comments:
 * - a fresh key allows `burst` takes, then refuses with retryAfterMs > 0;
 * - after waiting retryAfterMs the refused take passes;
 * - a refused take takes nothing; cost 0 takes nothing and answers whether one token is there.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Runtime } from '../../src/runtime.ts';
import type { RateLimiter, RateRule } from '../../src/ratelimit/rate-limiter.ts';

export { fakeClock as fakeClockRuntime, type FakeClock as FakeClockRuntime } from '../support/fake-clock.ts';
import { fakeClock as fakeClockRuntime, type FakeClock as FakeClockRuntime } from '../support/fake-clock.ts';

export type RateLimiterFactory = (runtime: Runtime) => Promise<RateLimiter>;

const rule: RateRule = { ratePerSecond: 2, burst: 3 };

export function rateLimiterSuite(name: string, make: RateLimiterFactory): void {
  describe(`RateLimiter conformance: ${name}`, () => {
    let clock: FakeClockRuntime;
    let rl: RateLimiter;
    let key: string;
    beforeEach(async () => {
      clock = fakeClockRuntime();
      rl = await make(clock);
      key = `k:${randomUUID()}`;
    });
    afterEach(async () => {
      await rl.close();
    });

    test('a fresh key allows the burst, then refuses with a retry-after', async () => {
      for (let i = 0; i < rule.burst; i++) {
        const d = await rl.consume(key, rule);
        assert.deepEqual(d, { allowed: true, remaining: rule.burst - 1 - i });
      }
      const refused = await rl.consume(key, rule);
      assert.equal(refused.allowed, false);
      if (!refused.allowed) assert.equal(refused.retryAfterMs, 500);
    });

    test('waiting retryAfterMs makes the next take pass, and not earlier', async () => {
      for (let i = 0; i < rule.burst; i++) await rl.consume(key, rule);
      const refused = await rl.consume(key, rule);
      assert.ok(!refused.allowed);
      clock.advance(refused.retryAfterMs - 1);
      assert.equal((await rl.consume(key, rule)).allowed, false);
      clock.advance(1);
      assert.equal((await rl.consume(key, rule)).allowed, true);
    });

    test('a refused take takes nothing', async () => {
      await rl.consume(key, rule, 2);
      const big = await rl.consume(key, rule, 2);
      assert.equal(big.allowed, false);
      assert.deepEqual(await rl.consume(key, rule, 1), { allowed: true, remaining: 0 });
    });

    test('cost 0 reads without taking', async () => {
      assert.deepEqual(await rl.consume(key, rule, 0), { allowed: true, remaining: 3 });
      assert.deepEqual(await rl.consume(key, rule, 0), { allowed: true, remaining: 3 });
      await rl.consume(key, rule, 3);
      const read = await rl.consume(key, rule, 0);
      assert.equal(read.allowed, false);
      if (!read.allowed) assert.equal(read.retryAfterMs, 500);
      clock.advance(500);
      assert.deepEqual(await rl.consume(key, rule, 0), { allowed: true, remaining: 1 });
    });

    test('tokens refill at the rate and never past the burst', async () => {
      await rl.consume(key, rule, 3);
      clock.advance(1000);
      assert.deepEqual(await rl.consume(key, rule, 0), { allowed: true, remaining: 2 });
      clock.advance(60_000);
      assert.deepEqual(await rl.consume(key, rule, 0), { allowed: true, remaining: 3 });
    });

    test('keys are independent', async () => {
      await rl.consume(key, rule, 3);
      assert.equal((await rl.consume(key, rule)).allowed, false);
      assert.deepEqual(await rl.consume(`${key}:other`, rule), { allowed: true, remaining: 2 });
    });

    test('reset forgets the key', async () => {
      await rl.consume(key, rule, 3);
      await rl.reset(key);
      assert.deepEqual(await rl.consume(key, rule), { allowed: true, remaining: 2 });
    });

    test('a cost above the burst is always refused', async () => {
      const d = await rl.consume(key, rule, rule.burst + 1);
      assert.equal(d.allowed, false);
      assert.deepEqual(await rl.consume(key, rule, 0), { allowed: true, remaining: 3 });
    });
  });
}
