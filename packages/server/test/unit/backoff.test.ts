/** The server's one backoff: capped exponential, with jitter into the upper half of the delay. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../src/backoff.ts';

describe('backoff', () => {
  const range = { minMs: 100, maxMs: 5000 };

  test('doubles from the minimum per attempt and stops at the cap', () => {
    const full = [1, 2, 3, 4, 5, 6, 7, 8, 50, 1000].map((f) => backoffDelay(f, range));
    assert.deepEqual(full, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000]);
    assert.equal(backoffDelay(1, range, 0.9999999), 100);
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
