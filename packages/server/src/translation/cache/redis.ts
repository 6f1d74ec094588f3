/** TranslationCache in Redis (scale-out mode): one string per translation, SET NX PX for claims. */
import { guarded, type RedisClients } from '../../broker/redis-clients.ts';
import type { TranslationCache } from '../translation-cache.ts';

export class RedisTranslationCache implements TranslationCache {
  private readonly prefix: string;

  constructor(
    private readonly clients: RedisClients,
    opts: { prefix?: string } = {},
  ) {
    this.prefix = `${opts.prefix ?? clients.prefix}tr:`;
  }

  async get(key: string): Promise<string | undefined> {
    const v = await guarded(() => this.clients.command.get(`${this.prefix}v:${key}`));
    return v ?? undefined;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await guarded(() =>
      this.clients.command.set(`${this.prefix}v:${key}`, value, 'PX', Math.max(1, Math.ceil(ttlMs))),
    );
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const r = await guarded(() =>
      this.clients.command.set(`${this.prefix}c:${key}`, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'),
    );
    return r === 'OK';
  }

  async release(key: string): Promise<void> {
    await guarded(() => this.clients.command.del(`${this.prefix}c:${key}`));
  }

  /** The connection is the caller's (createRedisClients). */
  async close(): Promise<void> {}
}
