/**
 * Refresh tokens: 32 random bytes (base64url) handed to the client once; only their sha256 is stored.
 * Every use rotates the token within its family; presenting an already-rotated token means it was
 * copied, so the whole family (the attacker's and the owner's tokens) is revoked.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionsRepo } from '../storage/repositories.ts';

/** 32 bytes in base64url without padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedRefresh {
  token: string;
  expiresAt: number;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class RefreshTokens {
  constructor(private readonly deps: { sessions: SessionsRepo; runtime: Runtime; ttlSec: number }) {}

  /** Starts a new family (a login) or continues `familyId` (a rotation). */
  async issue(userId: string, familyId = this.deps.runtime.id()): Promise<IssuedRefresh> {
    const now = this.deps.runtime.now();
    const token = this.deps.runtime.random(32).toString('base64url');
    const expiresAt = now + this.deps.ttlSec * 1000;
    await this.deps.sessions.insert({
      tokenHash: hashRefreshToken(token),
      userId,
      familyId,
      createdAt: now,
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
    return { token, expiresAt };
  }

  /**
   * Spends `token` and returns its successor. Throws 'refresh_reused' (and revokes the family) when the
   * token was already spent, 'token_invalid' when it is unknown, malformed, expired or revoked.
   */
  async rotate(token: string): Promise<IssuedRefresh & { userId: string }> {
    const { sessions, runtime } = this.deps;
    const hash = TOKEN_SHAPE.test(token) ? hashRefreshToken(token) : undefined;
    const rec = hash === undefined ? undefined : await sessions.byHash(hash);
    if (!hash || !rec || rec.revokedAt !== null) throw invalidRefresh();
    const now = runtime.now();
    if (rec.usedAt !== null) await this.reused(rec.familyId, now);
    if (rec.expiresAt <= now) throw invalidRefresh();
    // markUsed is the atomic step: of two concurrent refreshes with one token, one loses and counts as reuse.
    if (!(await sessions.markUsed(hash, now))) await this.reused(rec.familyId, now);
    const next = await this.issue(rec.userId, rec.familyId);
    return { ...next, userId: rec.userId };
  }

  /** Logout: revokes the token's family. Unknown tokens are ignored (logout is idempotent). */
  async revoke(token: string): Promise<void> {
    if (!TOKEN_SHAPE.test(token)) return;
    const rec = await this.deps.sessions.byHash(hashRefreshToken(token));
    if (rec) await this.deps.sessions.revokeFamily(rec.familyId, this.deps.runtime.now());
  }

  private async reused(familyId: string, now: number): Promise<never> {
    await this.deps.sessions.revokeFamily(familyId, now);
    throw new AppError('refresh_reused', 'This refresh token was already used; sign in again');
  }
}

function invalidRefresh(): AppError {
  return new AppError('token_invalid', 'The refresh token is not valid; sign in again');
}
