/**
 * A gateway's revocation checks without a Redis call for a sign-in it checked recently (issue 6: every `auth`
 * cost one EXISTS, a third of a connect's Redis round trips; docs/benchmarks.md "Stop 29").
 *
 * Why it stays exact: a revocation is written to the list first and then told to every node on the control
 * channel (app/session-ends.ts). A "not revoked" answer is kept only while the node's subscription has been
 * up without a break since before the check was sent (`continuity`, the broker's), so any revocation written
 * after the check reaches this node as `session.revoked` and is `heard` here: from then on the sign-in is
 * refused from memory, also when a check that started before it answers after it. A revocation whose control
 * message was lost (the list written, the publish failed) is seen at most `maxAgeMs` late by a gateway that
 * had checked that sign-in (its live sockets are not closed either then; app/session-ends.ts logs it).
 */
import type { LRUCache } from 'lru-cache';
import type { RevocationList } from '../auth/session-ends.ts';
import { boundedLru } from '../bounded-lru.ts';
import type { Runtime } from '../runtime.ts';

export interface RevocationCacheOptions {
  runtime: Runtime;
  /** The broker's continuity: changes (or is negative) whenever control messages may have been missed. */
  continuity: () => number;
  /** A "not revoked" answer is used at most this long (default 30 s). */
  maxAgeMs?: number;
  /** Sign-ins remembered at most, each way (default 50 000; least recently used forgotten first). */
  max?: number;
  /** How long a heard revocation is kept (the access token TTL plus a margin, as the list keeps it). */
  revokedTtlMs: number;
}

export class RevocationCache implements Pick<RevocationList, 'has'> {
  /** Sign-in -> the continuity and time of the check that found it not revoked. */
  private readonly clear: LRUCache<string, { continuity: number; at: number }>;
  /** Sign-ins heard revoked on the control channel -> until when that is kept. */
  private readonly revoked: LRUCache<string, number>;
  private readonly maxAgeMs: number;

  constructor(
    private readonly list: Pick<RevocationList, 'has'>,
    private readonly opts: RevocationCacheOptions,
  ) {
    this.maxAgeMs = opts.maxAgeMs ?? 30_000;
    this.clear = boundedLru(opts.max ?? 50_000);
    this.revoked = boundedLru(opts.max ?? 50_000);
  }

  async has(sessionId: string): Promise<boolean> {
    const now = this.opts.runtime.now();
    if (this.heardRevoked(sessionId, now)) return true;
    const continuity = this.opts.continuity();
    const known = this.clear.get(sessionId);
    if (known !== undefined && known.continuity === continuity && now - known.at < this.maxAgeMs)
      return false;
    const revoked = await this.list.has(sessionId);
    // Heard while the check was in flight: the check may have run before the revocation was written.
    if (this.heardRevoked(sessionId, this.opts.runtime.now())) return true;
    if (!revoked && continuity >= 0 && continuity === this.opts.continuity()) {
      this.clear.set(sessionId, { continuity, at: now });
    }
    return revoked;
  }

  /** `session.revoked` heard on the control channel. */
  heard(sessionIds: readonly string[]): void {
    const until = this.opts.runtime.now() + this.opts.revokedTtlMs;
    for (const id of sessionIds) {
      this.clear.delete(id);
      this.revoked.set(id, until);
    }
  }

  private heardRevoked(sessionId: string, now: number): boolean {
    const until = this.revoked.get(sessionId);
    return until !== undefined && until > now;
  }
}
