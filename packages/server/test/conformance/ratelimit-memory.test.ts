import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryRateLimiter } from '../../src/ratelimit/memory.ts';
import { fakeClockRuntime, rateLimiterSuite } from './ratelimit.suite.ts';

rateLimiterSuite('memory', async (runtime) => new MemoryRateLimiter(runtime));

describe('MemoryRateLimiter memory bounds', () => {
  const rule = { ratePerSecond: 10, burst: 5 };

  test('idle buckets are evicted once they have refilled', async () => {
    const clock = fakeClockRuntime();
    const rl = new MemoryRateLimiter(clock, { sweepEveryMs: 1000 });
    for (let i = 0; i < 1000; i++) await rl.consume(`ip:${i}`, rule);
    assert.equal(rl.size, 1000);
    clock.advance(1000);
    await rl.consume('someone-new', rule);
    assert.equal(rl.size, 1);
    await rl.close();
  });

  test('a bucket that is still refilling survives the sweep', async () => {
    const clock = fakeClockRuntime();
    const rl = new MemoryRateLimiter(clock, { sweepEveryMs: 100 });
    await rl.consume('busy', { ratePerSecond: 1, burst: 5 }, 5);
    clock.advance(1000);
    await rl.consume('other', rule);
    assert.equal(rl.size, 2);
    assert.deepEqual(await rl.consume('busy', { ratePerSecond: 1, burst: 5 }, 0), {
      allowed: true,
      remaining: 1,
    });
    await rl.close();
  });

  test('the key cap holds under a flood of distinct keys', async () => {
    const clock = fakeClockRuntime();
    const rl = new MemoryRateLimiter(clock, { maxKeys: 100 });
    for (let i = 0; i < 5000; i++) await rl.consume(`flood:${i}`, rule, 5);
    assert.ok(rl.size <= 100, `size ${rl.size}`);
    // The most recent keys are kept: the last one is still empty.
    assert.equal((await rl.consume('flood:4999', rule)).allowed, false);
    await rl.close();
  });

  test('a negative cost is a programming error', async () => {
    const rl = new MemoryRateLimiter(fakeClockRuntime());
    await assert.rejects(rl.consume('k', rule, -1), RangeError);
  });
});
