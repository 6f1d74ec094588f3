/**
 * Verified access tokens, remembered until they expire, so a connection that authenticates again with the same
 * token (a re-auth, a reconnect to the same gateway, another tab of the same person) costs a map look-up
 * instead of a signature check (RS256: ~80 µs of CPU here, docs/benchmarks.md stop 46). Bounded (least recently
 * used forgotten first). Expiry follows the injected clock.
 * Keyed by the token's SHA-256, not the token: a fan's token is ~710 characters, and a remembered token held 917
 * bytes of heap keyed by itself against 220 by its digest (docs/benchmarks.md stop 47; up to 46 MB a gateway at
 * the bound). A token with any byte changed has another digest and is checked in full (a collision would need
 * SHA-256 broken).
 * Revocation: the composition root wraps this cache in a RevokingTokenVerifier (auth/session-ends.ts), so every
 * verify, cache hits included, checks the token's sign-in against the revoked ones; a revoked session's live
 * sockets are closed through the gateway's control messages (gateway/session-revocation.ts).
 */
import { createHash } from 'node:crypto';
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
    // 'binary' (latin1): the 32 bytes as a one-byte string of 32 characters (base64 would be 44). ~1–3 µs.
    const key = createHash('sha256').update(token).digest('binary');
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      if (hit.expiresAt > this.opts.runtime.now()) return hit;
      this.cache.delete(key);
    }
    const principal = await this.inner.verify(token);
    this.cache.set(key, principal);
    return principal;
  }
}
