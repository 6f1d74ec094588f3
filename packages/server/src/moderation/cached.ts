/**
 * A small read-through cache for what the send checks read on every send (room modes, filter settings): a value
 * is used for `freshMs` before it is read again, a change made in this process is seen at once (`forget`), and
 * when the database cannot answer the last known value is used, or `fallback` when there is none, so a send
 * never fails because the database is slow or down. Bounded: past `maxEntries` the oldest entry goes.
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
    if (hit !== undefined && now - hit.at < this.opts.freshMs) return hit.value;
    if (now < this.downUntil) return hit?.value ?? this.opts.fallback(key);
    // One load per key at a time: a burst of sends to a cold room reads the database once.
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.refresh(key, hit?.value);
      this.inflight.set(key, pending);
      const done = () => this.inflight.delete(key);
      pending.then(done, done);
    }
    return pending;
  }

  /** Drops a key so the next get reads it again (after a change in this process, or a control message). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private async refresh(key: string, stale: T | undefined): Promise<T> {
    try {
      const value = await this.load(key);
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
