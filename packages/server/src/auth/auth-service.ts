/**
 * Accounts: register, login, refresh, logout, me, and the first-start admin account.
 * Login is rate-limited per account and per address; a wrong password and an unknown user get the same
 * answer in about the same time (the password check runs against a dummy hash).
 */
import type { AuthResponse, UserView } from '@lightstick/protocol';
import { AppError, isAppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.ts';
import type { Store, UserRecord } from '../storage/repositories.ts';
import type { Principal } from './principal.ts';
import { PasswordHasher } from './passwords.ts';
import { RefreshTokens } from './refresh-tokens.ts';
import { LoginThrottle } from './login-throttle.ts';
import { isCommonPassword } from './common-passwords.ts';
import { nameSkeleton } from './look-alikes.ts';
import type { TokenService } from './tokens.ts';
import type { SessionEndReason, SessionEnds } from './session-ends.ts';
import type { Logger } from '../observability/logger.ts';
import { securityEvent } from '../observability/security-events.ts';
import { toUserView } from './user-view.ts';
import { nameKey } from './name-key.ts';
import {
  invalid,
  normalizeLoginPassword,
  validateDisplayName,
  validatePassword,
  validateUsername,
} from './validation.ts';

/** Documented in docs/http-api.md; change both together. */
export const AuthRateRules = {
  /** 5 attempts per (account, address), then one every 3 minutes; a successful login resets it. */
  loginPerPair: { ratePerSecond: 1 / 180, burst: 5 },
  /** 20 attempts per account from addresses it did not sign in from lately, then one every 3 minutes. */
  loginPerAccount: { ratePerSecond: 1 / 180, burst: 20 },
  /** 20 attempts per minute per address. */
  loginPerAddress: { ratePerSecond: 20 / 60, burst: 20 },
  /** 30 sign-ups per hour per address. */
  registerPerAddress: { ratePerSecond: 30 / 3600, burst: 30 },
  /** 5 password changes (right or wrong current password) per account per 15 minutes. */
  passwordPerAccount: { ratePerSecond: 5 / 900, burst: 5 },
} satisfies Record<string, RateRule>;
export type AuthRateRules = { [K in keyof typeof AuthRateRules]: RateRule };

export interface AuthServiceDeps {
  store: Store;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  runtime: Runtime;
  refreshTtlSec: number;
  /** Absolute lifetime of a sign-in in days (default 30): refreshing never extends it. */
  sessionMaxAgeDays?: number;
  /** Makes revoked sign-ins stop everywhere (access tokens, live sockets); absent: refresh tokens only. */
  sessionEnds?: SessionEnds;
  /** Security events (refresh reuse, failed logins, password changes). */
  logger?: Logger;
  /** Tests may pass cheaper parameters; production uses the OWASP defaults. */
  passwords?: PasswordHasher;
  /** Overrides of AuthRateRules (tests, load benchmarks). */
  rules?: Partial<AuthRateRules>;
}

export interface RegisterInput {
  username: unknown;
  password: unknown;
  displayName?: unknown;
}
export interface LoginInput {
  username: unknown;
  password: unknown;
}

export class AuthService {
  private readonly passwords: PasswordHasher;
  private readonly refreshTokens: RefreshTokens;
  private readonly rules: AuthRateRules;
  private readonly throttle: LoginThrottle;

  constructor(private readonly deps: AuthServiceDeps) {
    this.passwords = deps.passwords ?? new PasswordHasher();
    this.rules = { ...AuthRateRules, ...deps.rules };
    this.throttle = new LoginThrottle(deps.rateLimiter, this.rules);
    this.refreshTokens = new RefreshTokens({
      sessions: deps.store.sessions,
      runtime: deps.runtime,
      ttlSec: deps.refreshTtlSec,
      ...(deps.sessionMaxAgeDays !== undefined ? { maxAgeDays: deps.sessionMaxAgeDays } : {}),
      onReuse: async ({ sessionId, userId }) => {
        this.security('refresh_reused', { userId, code: 'refresh_reused' });
        await this.ended([sessionId], userId, 'refresh_reused');
      },
    });
  }

  /** Lifetime of a refresh token (the refresh cookie's Max-Age). */
  get refreshTtlSec(): number {
    return this.deps.refreshTtlSec;
  }

  async register(input: RegisterInput, ip: string): Promise<AuthResponse> {
    const name = validateUsername(input.username);
    const displayName = validateDisplayName(input.displayName ?? name);
    const password = validatePassword(input.password);
    await newPasswordAllowed(password, nameKey(name), 'password');
    // Limited after validation (typos do not count) and before the lookup (slows username probing).
    await this.limit(`register:ip:${ip}`, this.rules.registerPerAddress);
    const key = nameKey(name);
    const skeleton = nameSkeleton(name);
    // Checked before hashing to save the work; create() still guards the race.
    if (await this.deps.store.users.byNameKey(key)) throw taken();
    if (await this.deps.store.users.byNameSkeleton(skeleton)) throw taken(true);
    const user: UserRecord = {
      id: this.deps.runtime.id(),
      name,
      nameKey: key,
      nameSkeleton: skeleton,
      displayName,
      passwordHash: await this.passwords.hash(password),
      admin: false,
      creator: false,
      createdAt: this.deps.runtime.now(),
    };
    await this.deps.store.users.create(user);
    return this.session(user);
  }

  async login(input: LoginInput, ip: string): Promise<AuthResponse> {
    if (typeof input.username !== 'string' || input.username.length === 0) {
      throw invalid('username', 'Username is required');
    }
    const password = normalizeLoginPassword(input.password);
    const key = nameKey(input.username).slice(0, 256);
    try {
      await this.throttle.attempt(key, ip);
    } catch (e) {
      this.security('login_throttled', { ip, code: 'rate_limited' });
      throw e;
    }
    const user = await this.deps.store.users.byNameKey(key);
    if (!(await this.passwords.verify(user?.passwordHash, password)) || !user) {
      this.security('login_failed', { userId: user?.id ?? null, ip, code: 'invalid_credentials' });
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    await this.throttle.succeeded(key, ip);
    if (await this.passwords.needsRehash(user.passwordHash)) {
      await this.deps.store.users.setPasswordHash(user.id, await this.passwords.hash(password));
    }
    return this.session(user);
  }

  async refresh(refreshToken: string): Promise<AuthResponse> {
    const next = await this.refreshTokens.rotate(refreshToken);
    const user = await this.deps.store.users.byId(next.userId);
    if (!user) {
      await this.endSession(next.sessionId, 'logout');
      throw new AppError('token_invalid', 'The account no longer exists');
    }
    return this.respond(user, next.token, next.sessionId);
  }

  /**
   * Ends the sign-in behind a refresh token: its refresh tokens, its access tokens and its live sockets.
   * Idempotent: unknown or already revoked tokens are ignored.
   */
  async logout(refreshToken: string): Promise<void> {
    const sessionId = await this.refreshTokens.sessionOf(refreshToken);
    if (sessionId !== undefined) await this.endSession(sessionId, 'logout');
  }

  /** Ends every sign-in of the caller (this one included). Returns how many were ended. */
  async logoutAll(principal: Principal): Promise<number> {
    return this.endUserSessions(principal.userId, 'logout_all');
  }

  /** An admin ends every sign-in of a user. Returns how many were ended. */
  async revokeUser(userId: string): Promise<number> {
    if (!(await this.deps.store.users.byId(userId))) throw new AppError('not_found', 'No such user');
    return this.endUserSessions(userId, 'admin');
  }

  /**
   * Changes the caller's password after checking the current one; every other sign-in of the account ends
   * (the caller's own stays). Rate-limited per account.
   */
  async changePassword(
    principal: Principal,
    input: { currentPassword: unknown; newPassword: unknown },
    ip: string,
  ): Promise<void> {
    const current = normalizeLoginPassword(input.currentPassword);
    const next = validatePassword(input.newPassword, 'newPassword');
    await this.limit(`password:acct:${principal.userId}`, this.rules.passwordPerAccount);
    const user = await this.deps.store.users.byId(principal.userId);
    if (!user) throw new AppError('unauthenticated', 'The account no longer exists');
    if (!(await this.passwords.verify(user.passwordHash, current))) {
      this.security('login_failed', { userId: user.id, ip, code: 'invalid_credentials', via: 'password' });
      throw new AppError('invalid_credentials', 'The current password is wrong');
    }
    await newPasswordAllowed(next, user.nameKey, 'newPassword');
    await this.deps.store.users.setPasswordHash(user.id, await this.passwords.hash(next));
    this.security('password_changed', { userId: user.id, ip });
    await this.endUserSessions(user.id, 'password_changed', principal.sessionId);
  }

  async me(principal: Principal): Promise<UserView> {
    const user = await this.deps.store.users.byId(principal.userId);
    if (!user) throw new AppError('unauthenticated', 'The account no longer exists');
    return toUserView(user);
  }

  /**
   * Creates the `admin` account on first start. With no password given, generates a strong one and
   * returns it so the caller can show it once; it is never logged here.
   */
  async ensureAdminAccount(
    password?: string,
  ): Promise<{ created: boolean; generatedPassword?: string; passwordMismatch?: boolean }> {
    const users = this.deps.store.users;
    const existing = await users.byNameKey('admin');
    if (existing) {
      // The setting only seeds the first start; say so when it no longer matches (issue 8).
      if (password !== undefined && !(await this.passwords.verify(existing.passwordHash, password))) {
        return { created: false, passwordMismatch: true };
      }
      return { created: false };
    }
    const generated = password === undefined ? this.deps.runtime.random(18).toString('base64url') : undefined;
    const clear = validatePassword(password ?? generated, 'adminPassword');
    if (password !== undefined) await newPasswordAllowed(clear, 'admin', 'adminPassword');
    try {
      await users.create({
        id: this.deps.runtime.id(),
        name: 'admin',
        nameKey: 'admin',
        nameSkeleton: nameSkeleton('admin'),
        displayName: 'Admin',
        passwordHash: await this.passwords.hash(clear),
        admin: true,
        creator: true,
        createdAt: this.deps.runtime.now(),
      });
    } catch (e) {
      // Another process created it first.
      if (isAppError(e) && e.code === 'username_taken') return { created: false };
      throw e;
    }
    return generated === undefined ? { created: true } : { created: true, generatedPassword: generated };
  }

  private async session(user: UserRecord): Promise<AuthResponse> {
    const refresh = await this.refreshTokens.issue(user.id);
    return this.respond(user, refresh.token, refresh.sessionId);
  }

  private async respond(user: UserRecord, refreshToken: string, sessionId: string): Promise<AuthResponse> {
    const access = await this.deps.tokens.issue(user, sessionId);
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken, user: toUserView(user) };
  }

  private async endSession(sessionId: string, reason: SessionEndReason): Promise<void> {
    const userId = await this.deps.store.sessions.revokeSession(sessionId, this.deps.runtime.now());
    if (userId !== undefined) await this.ended([sessionId], userId, reason);
  }

  private async endUserSessions(
    userId: string,
    reason: SessionEndReason,
    exceptId?: string,
  ): Promise<number> {
    const ids = await this.deps.store.sessions.revokeUserSessions(userId, this.deps.runtime.now(), exceptId);
    await this.ended(ids, userId, reason);
    return ids.length;
  }

  private async ended(sessionIds: string[], userId: string, reason: SessionEndReason): Promise<void> {
    if (sessionIds.length > 0) await this.deps.sessionEnds?.ended({ sessionIds, userId, reason });
  }

  private security(event: Parameters<typeof securityEvent>[1], fields: Record<string, unknown>): void {
    if (this.deps.logger) securityEvent(this.deps.logger, event, fields);
  }

  private async limit(key: string, rule: RateRule): Promise<void> {
    const d = await this.deps.rateLimiter.consume(key, rule);
    if (!d.allowed) {
      throw new AppError('rate_limited', 'Too many attempts; try again later', {
        retryAfterMs: d.retryAfterMs,
      });
    }
  }
}

function taken(lookAlike = false): AppError {
  const message = lookAlike ? 'This username looks like one that is taken' : 'This username is taken';
  return new AppError('username_taken', message, { details: { field: 'username' } });
}

/** A new password must not be the username (in any case) nor a breached or common one (issue 8). */
async function newPasswordAllowed(password: string, userNameKey: string, field: string): Promise<void> {
  if (nameKey(password) === userNameKey) throw invalid(field, 'The password must not be the username');
  if (await isCommonPassword(password)) {
    throw invalid(field, 'This password appears in published password breaches; choose another');
  }
}
