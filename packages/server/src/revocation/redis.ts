/**
 * Revoked sign-ins shared by every process (scale-out mode): one key per sign-in (`<prefix>revoked:<sid>`)
 * expiring after `ttlMs` (the access token TTL plus a margin). A check is one EXISTS.
 */
import type { RevocationList } from '../auth/session-ends.ts';
import { guarded, type RedisClients } from '../broker/redis-clients.ts';

export class RedisRevocationList implements RevocationList {
  constructor(
    private readonly clients: RedisClients,
    private readonly ttlMs: number,
  ) {}

  private key(id: string): string {
    return `${this.clients.prefix}revoked:${id}`;
  }

  add(sessionIds: string[]): Promise<void> {
    return guarded(async () => {
      // One command per key: in Redis Cluster the keys may live on different shards.
      await Promise.all(
        sessionIds.map((id) => this.clients.command.set(this.key(id), '1', 'PX', Math.max(1, this.ttlMs))),
      );
    });
  }

  has(sessionId: string): Promise<boolean> {
    return guarded(async () => (await this.clients.command.exists(this.key(sessionId))) === 1);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
