/**
 * The server's LRU caches: at most `max` entries, least recently used forgotten first, and memory that grows
 * with what the cache holds.
 *
 * lru-cache preallocates its key, value and link arrays for `max` entries when `max` is set: the gateway's
 * hearts buckets (200 000), address limits (100 000 each), token and access caches held about 18 MB of empty
 * arrays in a process that had not had a connection yet (issue 6: idle RSS of a gateway, heap snapshot in
 * docs/benchmarks.md). Counting every entry as size 1 against `maxSize` keeps the same bound and eviction order
 * with arrays that grow as entries arrive.
 */
import { LRUCache } from 'lru-cache';

export function boundedLru<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  max: number,
): LRUCache<K, V> {
  return new LRUCache<K, V>({ maxSize: max, sizeCalculation: () => 1 });
}
