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
import type { TokenService } from './tokens.ts';
import {
  invalid,
  nameKey,
  normalizeLoginPassword,
  validateDisplayName,
  validatePassword,
  validateUsername,
} from './validation.ts';

/** Documented in docs/http-api.md; change both together. */
export const AuthRateRules = {
  /** 5 attempts per account, refilling over 15 minutes; a successful login resets it. */
  loginPerAccount: { ratePerSecond: 5 / 900, burst: 5 },
  /** 20 attempts per minute per address. */
  loginPerAddress: { ratePerSecond: 20 / 60, burst: 20 },
  /** 30 sign-ups per hour per address. */
  registerPerAddress: { ratePerSecond: 30 / 3600, burst: 30 },
} satisfies Record<string, RateRule>;
export type AuthRateRules = { [K in keyof typeof AuthRateRules]: RateRule };

export interface AuthServiceDeps {
  store: Store;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  runtime: Runtime;
  refreshTtlSec: number;
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

  constructor(private readonly deps: AuthServiceDeps) {
    this.passwords = deps.passwords ?? new PasswordHasher();
    this.rules = { ...AuthRateRules, ...deps.rules };
    this.refreshTokens = new RefreshTokens({
      sessions: deps.store.sessions,
      runtime: deps.runtime,
      ttlSec: deps.refreshTtlSec,
    });
  }

  async register(input: RegisterInput, ip: string): Promise<AuthResponse> {
    const name = validateUsername(input.username);
    const displayName = validateDisplayName(input.displayName ?? name);
    const password = validatePassword(input.password);
    // Limited after validation (typos do not count) and before the lookup (slows username probing).
    await this.limit(`register:ip:${ip}`, this.rules.registerPerAddress);
    const key = nameKey(name);
    // Checked before hashing to save the work; create() still guards the race.
    if (await this.deps.store.users.byNameKey(key)) throw taken();
    const user: UserRecord = {
      id: this.deps.runtime.id(),
      name,
      nameKey: key,
      displayName,
      passwordHash: await this.passwords.hash(password),
      admin: false,
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
    await this.limit(`login:ip:${ip}`, this.rules.loginPerAddress);
    await this.limit(`login:acct:${key}`, this.rules.loginPerAccount);
    const user = await this.deps.store.users.byNameKey(key);
    if (!(await this.passwords.verify(user?.passwordHash, password)) || !user) {
      throw new AppError('invalid_credentials', 'Wrong username or password');
    }
    await this.deps.rateLimiter.reset(`login:acct:${key}`);
    if (this.passwords.needsRehash(user.passwordHash)) {
      await this.deps.store.users.setPasswordHash(user.id, await this.passwords.hash(password));
    }
    return this.session(user);
  }

  async refresh(refreshToken: string): Promise<AuthResponse> {
    const next = await this.refreshTokens.rotate(refreshToken);
    const user = await this.deps.store.users.byId(next.userId);
    if (!user) {
      await this.refreshTokens.revoke(next.token);
      throw new AppError('token_invalid', 'The account no longer exists');
    }
    return this.respond(user, next.token);
  }

  async logout(refreshToken: string): Promise<void> {
    await this.refreshTokens.revoke(refreshToken);
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
  async ensureAdminAccount(password?: string): Promise<{ created: boolean; generatedPassword?: string }> {
    const users = this.deps.store.users;
    if (await users.byNameKey('admin')) return { created: false };
    const generated = password === undefined ? this.deps.runtime.random(18).toString('base64url') : undefined;
    const clear = validatePassword(password ?? generated, 'adminPassword');
    try {
      await users.create({
        id: this.deps.runtime.id(),
        name: 'admin',
        nameKey: 'admin',
        displayName: 'Admin',
        passwordHash: await this.passwords.hash(clear),
        admin: true,
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
    return this.respond(user, refresh.token);
  }

  private async respond(user: UserRecord, refreshToken: string): Promise<AuthResponse> {
    const access = await this.deps.tokens.issue(user);
    const expiresIn = Math.max(0, Math.ceil((access.expiresAt - this.deps.runtime.now()) / 1000));
    return { accessToken: access.token, expiresIn, refreshToken, user: toUserView(user) };
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

export function toUserView(u: UserRecord): UserView {
  return {
    id: u.id,
    name: u.name,
    displayName: u.displayName,
    admin: u.admin,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}

function taken(): AppError {
  return new AppError('username_taken', 'This username is taken', { details: { field: 'username' } });
}
