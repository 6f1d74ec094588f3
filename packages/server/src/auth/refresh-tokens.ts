/**
 * Refresh tokens: 32 random bytes (base64url) handed to the client once; only their sha256 is stored.
 * A login starts a sign-in (the token family, `auth_sessions`) with an absolute end that rotations never move.
 * Every use rotates the token within its sign-in in one transaction (SessionsRepo.rotate); presenting an
 * already-rotated token, or any token of a revoked sign-in, means it was copied: the whole sign-in (the
 * attacker's and the owner's tokens, and its access tokens through `ended`) is revoked.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionsRepo } from '../storage/repositories.ts';

/** 32 bytes in base64url without padding. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const DAY_MS = 86_400_000;

export interface IssuedRefresh {
  token: string;
  expiresAt: number;
  /** The sign-in (token family): the `sid` claim of its access tokens. */
  sessionId: string;
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface RefreshTokensDeps {
  sessions: SessionsRepo;
  runtime: Runtime;
  ttlSec: number;
  /** Absolute lifetime of a sign-in (default 30 days): refreshing never extends it. */
  maxAgeDays?: number;
  /** Told when a refresh token's reuse revoked a sign-in (a theft signal). */
  onReuse?: (info: { sessionId: string; userId: string; revokedNow: boolean }) => Promise<void> | void;
}

export class RefreshTokens {
  constructor(private readonly deps: RefreshTokensDeps) {}

  /** Starts a new sign-in (a login) with its first refresh token. */
  async issue(userId: string): Promise<IssuedRefresh> {
    const now = this.deps.runtime.now();
    const sessionId = this.deps.runtime.id();
    const end = now + (this.deps.maxAgeDays ?? 30) * DAY_MS;
    const token = this.deps.runtime.random(32).toString('base64url');
    const expiresAt = Math.min(now + this.deps.ttlSec * 1000, end);
    await this.deps.sessions.start(
      { id: sessionId, userId, createdAt: now, expiresAt: end, revokedAt: null },
      {
        tokenHash: hashRefreshToken(token),
        userId,
        familyId: sessionId,
        createdAt: now,
        expiresAt,
        usedAt: null,
        revokedAt: null,
      },
    );
    return { token, expiresAt, sessionId };
  }

  /**
   * Spends `token` and returns its successor. Throws 'refresh_reused' (and revokes the sign-in) when the
   * token was already spent or its sign-in revoked, 'token_invalid' when it is unknown, malformed or expired.
   */
  async rotate(token: string): Promise<IssuedRefresh & { userId: string }> {
    const { sessions, runtime } = this.deps;
    if (!TOKEN_SHAPE.test(token)) throw invalidRefresh();
    const now = runtime.now();
    const next = runtime.random(32).toString('base64url');
    const expiresAt = now + this.deps.ttlSec * 1000;
    const out = await sessions.rotate(
      hashRefreshToken(token),
      { tokenHash: hashRefreshToken(next), createdAt: now, expiresAt, usedAt: null, revokedAt: null },
      now,
    );
    if (out.kind === 'invalid') throw invalidRefresh();
    if (out.kind === 'reused') {
      await this.deps.onReuse?.({
        sessionId: out.session.id,
        userId: out.session.userId,
        revokedNow: out.revokedNow,
      });
      throw new AppError('refresh_reused', 'This refresh token was already used; sign in again');
    }
    return {
      token: next,
      expiresAt: Math.min(expiresAt, out.session.expiresAt),
      sessionId: out.session.id,
      userId: out.session.userId,
    };
  }

  /** The sign-in behind a refresh token (logout), or undefined for unknown or malformed tokens. */
  async sessionOf(token: string): Promise<string | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    return (await this.deps.sessions.byHash(hashRefreshToken(token)))?.familyId;
  }
}

function invalidRefresh(): AppError {
  return new AppError('token_invalid', 'The refresh token is not valid; sign in again');
}
