/** TranslationCache in process memory (embedded mode): bounded, least recently used first out, real time expiry. */
import type { TranslationCache } from '../translation-cache.ts';

export class MemoryTranslationCache implements TranslationCache {
  private readonly values = new Map<string, { value: string; until: number }>();
  private readonly claims = new Map<string, number>();

  constructor(private readonly opts: { now?: () => number; maxEntries?: number } = {}) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async get(key: string): Promise<string | undefined> {
    const hit = this.values.get(key);
    if (hit === undefined) return undefined;
    if (hit.until <= this.now()) {
      this.values.delete(key);
      return undefined;
    }
    this.values.delete(key);
    this.values.set(key, hit);
    return hit.value;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.values.delete(key);
    this.values.set(key, { value, until: this.now() + ttlMs });
    const max = this.opts.maxEntries ?? 100_000;
    while (this.values.size > max) this.values.delete(this.values.keys().next().value as string);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const held = this.claims.get(key);
    if (held !== undefined && held > this.now()) return false;
    this.claims.set(key, this.now() + ttlMs);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }

  async close(): Promise<void> {
    this.values.clear();
    this.claims.clear();
  }
}
