/**
 * Verified access tokens, remembered until they expire, so a connection that authenticates again with the same
 * token (a re-auth, a reconnect to the same gateway, another tab of the same person) costs a map look-up
 * instead of a signature check (RS256: ~80 µs of CPU here, docs/benchmarks.md stop 46). Keyed by the whole
 * token (a token with any byte changed is another key, checked in full); bounded (least recently used forgotten
 * first). Expiry follows the injected clock.
 * Revocation: the composition root wraps this cache in a RevokingTokenVerifier (auth/session-ends.ts), so every
 * verify, cache hits included, checks the token's sign-in against the revoked ones; a revoked session's live
 * sockets are closed through the gateway's control messages (gateway/session-revocation.ts).
 */
import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../bounded-lru.ts';
import type { Principal, TokenVerifier } from '../auth/principal.ts';
import type { Runtime } from '../runtime.ts';

export interface TokenCacheOptions {
  runtime: Runtime;
  /** Tokens remembered at most (default 50 000). */
  max?: number;
}

export class CachedTokenVerifier implements TokenVerifier {
  private readonly cache: LRUCache<string, Principal>;

  constructor(
    private readonly inner: TokenVerifier,
    private readonly opts: TokenCacheOptions,
  ) {
    this.cache = boundedLru(opts.max ?? 50_000);
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.cache.get(token);
    if (hit !== undefined) {
      if (hit.expiresAt > this.opts.runtime.now()) return hit;
      this.cache.delete(token);
    }
    const principal = await this.inner.verify(token);
    this.cache.set(token, principal);
    return principal;
  }

  /** Forgets every remembered token of a user (a logout everywhere, a revoked session). */
  forget(match: (p: Principal) => boolean): void {
    for (const [token, p] of this.cache.entries()) if (match(p)) this.cache.delete(token);
  }
}
