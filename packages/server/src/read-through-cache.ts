/**
 * The server's one read-through cache, for what is read from a database on every send or join and may lag a
 * change by a bounded time: room modes and filter settings, pins, mention names (with a `fallback`), and the
 * rooms, memberships, communities and sanctions that scale-out mode reads past PostgreSQL (app/access-cache.ts,
 * without one).
 * - A value is used for `freshMs` before it is read again; a change made in this process is seen at once
 *   (`forget`). One read per key at a time: a burst of sends to a cold room reads the database once.
 * - Read ahead: a value past half its `freshMs` is still answered at once, and read again in the background, so
 *   a room that keeps talking never waits for the read. Waiting once a second per key was the tail of every send
 *   on a busy gateway: 10 % of sends waited 24–70 ms for a mode, filter or access read on a saturated box (issue
 *   6, stop 23 in docs/benchmarks.md). A value older than `freshMs` is still never used (outages aside).
 * - When the database answers `unavailable` (or fails outside the AppError registry), the last known value is
 *   used, else `fallback` (a send never fails because the database is down); without a fallback the error is the
 *   answer. The database is then left alone for `retryMs` (no per-send connection timeouts during an outage):
 *   caches of one database may share that back-off (`outage`). Other AppErrors (`not_found`...) are answers.
 * - `keep` says which answers are cached: "no such room" and "not a member" are not, so a fan who just joined a
 *   community is let in at once.
 * - Bounded: past `maxEntries` the least recently used key is forgotten.
 */
import type { LRUCache } from 'lru-cache';
import { boundedLru } from './bounded-lru.ts';
import { isAppError } from './errors.ts';
import type { Runtime } from './runtime.ts';

/** When a database that failed is asked again: shared by the caches that read it. */
export class Outage {
  until = 0;
}

export interface CachedOptions<T> {
  runtime: Pick<Runtime, 'now'>;
  freshMs: number;
  /** Keys kept at most (default 10 000). */
  maxEntries?: number;
  /** The value used when the load fails and nothing is cached; without it the load's error is thrown. */
  fallback?: (key: string) => T;
  /** Whether an answer is cached (default: every answer). One that is not also drops what was cached. */
  keep?: (value: T) => boolean;
  /** Told about a failed load (to log it); the stale or fallback value is still returned. */
  onError?: (err: unknown, key: string) => void;
  /** After a failed load, the database is left alone for this long (default 2 s). */
  retryMs?: number;
  /** The back-off shared with other caches of the same database (default: this cache's own). */
  outage?: Outage;
}

type Entry<T> = { value: T; at: number };

/** `unavailable`, or an error outside the registry (a dropped connection): the database, not the question. */
const isOutage = (err: unknown) => !isAppError(err) || err.code === 'unavailable';

export class Cached<T> {
  private readonly entries: LRUCache<string, Entry<T>>;
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly outage: Outage;

  constructor(
    private readonly load: (key: string) => Promise<T>,
    private readonly opts: CachedOptions<T>,
  ) {
    this.entries = boundedLru(opts.maxEntries ?? 10_000);
    this.outage = opts.outage ?? new Outage();
  }

  async get(key: string): Promise<T> {
    const hit = this.entries.get(key);
    const now = this.opts.runtime.now();
    const age = hit === undefined ? Infinity : now - hit.at;
    if (age < this.opts.freshMs / 2) return hit!.value;
    const backingOff = now < this.outage.until;
    if (age < this.opts.freshMs) {
      // Read ahead: this caller is answered now; a failure shows to whoever waits for a later read.
      if (!backingOff) this.reading(key, hit).catch(() => {});
      return hit!.value;
    }
    if (backingOff) {
      if (hit !== undefined) return hit.value;
      if (this.opts.fallback !== undefined) return this.opts.fallback(key);
      // Nothing to fall back on: the database is asked anyway.
    }
    return this.reading(key, hit);
  }

  /** Drops a key so the next get reads it again (after a change in this process, or a control message). */
  forget(key: string): void {
    this.entries.delete(key);
    // A read begun before the change may answer the old value: it must not be cached, nor joined by later gets.
    this.inflight.delete(key);
  }

  private reading(key: string, stale: Entry<T> | undefined): Promise<T> {
    let pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    pending = this.refresh(key, stale, () => this.inflight.get(key) === pending);
    this.inflight.set(key, pending);
    const done = () => {
      if (this.inflight.get(key) === pending) this.inflight.delete(key);
    };
    pending.then(done, done);
    return pending;
  }

  private async refresh(key: string, stale: Entry<T> | undefined, current: () => boolean): Promise<T> {
    try {
      const value = await this.load(key);
      if (!current()) return value; // forgotten meanwhile: the next get reads again
      if (this.opts.keep === undefined || this.opts.keep(value)) {
        this.entries.set(key, { value, at: this.opts.runtime.now() });
      } else this.entries.delete(key);
      return value;
    } catch (err) {
      if (!isOutage(err)) throw err;
      this.outage.until = this.opts.runtime.now() + (this.opts.retryMs ?? 2000);
      this.opts.onError?.(err, key);
      if (stale !== undefined) return stale.value;
      if (this.opts.fallback !== undefined) return this.opts.fallback(key);
      throw err;
    }
  }
}
