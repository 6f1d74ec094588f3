/** The archiver's waiting: capped exponential backoff with jitter, and a sleep that stop() cuts short. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, Sleeper } from '../../src/chat/archive-timing.ts';

describe('archiver backoff', () => {
  const range = { minMs: 100, maxMs: 5000 };

  test('doubles from the minimum per failure and stops at the cap', () => {
    const full = [1, 2, 3, 4, 5, 6, 7, 8, 50, 1000].map((f) => backoffDelay(f, range, 0.9999999));
    assert.deepEqual(full, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
  });

  test('jitter scales the delay into its upper half, never past it', () => {
    assert.equal(backoffDelay(3, range, 0), 200);
    assert.equal(backoffDelay(3, range, 0.5), 300);
    assert.equal(backoffDelay(7, range, 0), 2500);
    // Out-of-range jitter values are clamped rather than trusted.
    assert.equal(backoffDelay(1, range, -3), 50);
    assert.equal(backoffDelay(1, range, 7), 100);
    assert.equal(backoffDelay(0, range, 0.9999999), 100);
  });
});

describe('archiver sleeper', () => {
  test('wake ends the current sleep and every later one', async () => {
    const s = new Sleeper();
    let done = false;
    const sleeping = s.sleep(600_000).then(() => (done = true));
    await Promise.resolve();
    assert.equal(done, false);
    s.wake();
    await sleeping;
    assert.equal(done, true);
    await s.sleep(600_000); // resolves at once after wake(), or this test would never end
  });

  test('a short sleep ends by itself', async () => {
    await new Sleeper().sleep(1);
  });
});
