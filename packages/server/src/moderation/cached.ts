/**
 * A small read-through cache for what the send checks read on every send (room modes, filter settings): a value
 * is used for `freshMs` before it is read again, a change made in this process is seen at once (`forget`), and
 * when the database cannot answer the last known value is used, or `fallback` when there is none, so a send
 * never fails because the database is slow or down. Bounded: past `maxEntries` the oldest entry goes.
 *
 * Read ahead: a value past half its `freshMs` is still answered at once, and read again in the background, so a
 * room that keeps talking never waits for the read. Waiting once a second per key was the tail of every send on
 * a busy gateway: 10 % of sends waited 24–70 ms for a mode or filter read on a saturated box (issue 6, stop 23 in
 * docs/benchmarks.md). A value older than `freshMs` is still never used (outages aside): the bound holds.
 */
import { isAppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';

export interface CachedOptions<T> {
  runtime: Pick<Runtime, 'now'>;
  freshMs: number;
  maxEntries?: number;
  /** The value used when the load fails and nothing is cached. */
  fallback: (key: string) => T;
  /** Told about a failed load (to log it); the fallback or stale value is still returned. */
  onError?: (err: unknown, key: string) => void;
  /** After a failed load, the database is left alone for this long (default 2 s): no per-send timeouts. */
  retryMs?: number;
}

export class Cached<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly max: number;
  private downUntil = 0;

  constructor(
    private readonly load: (key: string) => Promise<T>,
    private readonly opts: CachedOptions<T>,
  ) {
    this.max = opts.maxEntries ?? 10_000;
  }

  async get(key: string): Promise<T> {
    const hit = this.entries.get(key);
    const now = this.opts.runtime.now();
    const age = hit === undefined ? Infinity : now - hit.at;
    if (age < this.opts.freshMs / 2) return hit!.value;
    const backingOff = now < this.downUntil;
    if (age < this.opts.freshMs) {
      // Read ahead: this caller is answered now; a failure shows to whoever waits for a later read.
      if (!backingOff) this.reading(key, hit!.value).catch(() => {});
      return hit!.value;
    }
    if (backingOff) return hit?.value ?? this.opts.fallback(key);
    return this.reading(key, hit?.value);
  }

  /** Drops a key so the next get reads it again (after a change in this process, or a control message). */
  forget(key: string): void {
    this.entries.delete(key);
    // A read begun before the change may answer the old value: it must not be cached, nor joined by later gets.
    this.inflight.delete(key);
  }

  /** One read per key at a time: a burst of sends to a cold room reads the database once. */
  private reading(key: string, stale: T | undefined): Promise<T> {
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

  private async refresh(key: string, stale: T | undefined, current: () => boolean): Promise<T> {
    try {
      const value = await this.load(key);
      if (!current()) return value; // forgotten meanwhile: the next get reads again
      this.entries.delete(key);
      this.entries.set(key, { value, at: this.opts.runtime.now() });
      if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
      return value;
    } catch (err) {
      if (isAppError(err) && err.code !== 'unavailable') throw err;
      this.downUntil = this.opts.runtime.now() + (this.opts.retryMs ?? 2000);
      this.opts.onError?.(err, key);
      return stale ?? this.opts.fallback(key);
    }
  }
}
