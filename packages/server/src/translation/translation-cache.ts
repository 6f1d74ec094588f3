/**
 * Translations already made, shared by every process (Redis in scale-out mode, memory otherwise), so a message is
 * translated once per language however many fans ask. `claim` lets one process translate while the others wait
 * for its result instead of calling the provider too.
 */
export interface TranslationCache {
  /** The cached value, or undefined. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlMs`. */
  put(key: string, value: string, ttlMs: number): Promise<void>;
  /** True for exactly one caller per key until `ttlMs` passes or `release`; false for everyone else meanwhile. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
  close(): Promise<void>;
}
