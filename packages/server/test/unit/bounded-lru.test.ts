/**
 * The server's LRU caches (src/bounded-lru.ts): the bound and the eviction order of lru-cache's `max`, without
 * its preallocation. Regression: an idle gateway held about 18 MB of empty arrays that lru-cache had
 * preallocated for the hearts buckets, address limits and token and access caches (issue 6: idle RSS).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boundedLru } from '../../src/bounded-lru.ts';

test('holds at most max entries and forgets the least recently used first', () => {
  const cache = boundedLru<string, number>(3);
  cache.set('a', 1);
  cache.set('b', 2);
  cache.set('c', 3);
  assert.equal(cache.get('a'), 1); // a is now the most recently used
  cache.set('d', 4);
  assert.equal(cache.size, 3);
  assert.equal(cache.has('b'), false, 'b was the least recently used');
  assert.deepEqual([...cache.keys()].sort(), ['a', 'c', 'd']);
  cache.set('a', 10); // an update is not a new entry
  assert.equal(cache.size, 3);
  assert.equal(cache.get('a'), 10);
});

test('memory grows with the entries held, not with max (idle-gateway-preallocated-caches)', () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  // Preallocated, these would take about 24 MB each (keys, values and two links per entry): 480 MB in all.
  const caches = Array.from({ length: 20 }, () => boundedLru<string, number>(1_000_000));
  for (const c of caches) for (let i = 0; i < 100; i++) c.set(`k${i}`, i);
  gc?.();
  const grown = process.memoryUsage().heapUsed - before;
  assert.ok(grown < 20 * 1024 * 1024, `20 empty caches of max 1 000 000 grew the heap by ${grown} bytes`);
  assert.equal(caches[0]?.size, 100);
});
