/**
 * Revoked sign-ins in this process (embedded mode: one process). Each id is kept for `ttlMs` (the access
 * token TTL plus a margin), after which no access token of that sign-in can still be valid. Seeded at start
 * from the store's recently revoked sign-ins, so a restart does not forget a logout.
 */
import type { RevocationList } from '../auth/session-ends.ts';
import type { Runtime } from '../runtime.ts';

export class MemoryRevocationList implements RevocationList {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly runtime: Runtime,
    private readonly ttlMs: number,
  ) {}

  add(sessionIds: string[]): Promise<void> {
    const now = this.runtime.now();
    for (const [id, end] of this.until) if (end <= now) this.until.delete(id);
    for (const id of sessionIds) this.until.set(id, now + this.ttlMs);
    return Promise.resolve();
  }

  has(sessionId: string): Promise<boolean> {
    const end = this.until.get(sessionId);
    return Promise.resolve(end !== undefined && end > this.runtime.now());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
