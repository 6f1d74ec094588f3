/**
 * Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * Verification of an unknown account runs against a dummy hash with the same parameters, so the
 * time of a failed login does not reveal whether the username exists.
 */
import argon2 from 'argon2';

export interface PasswordParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: PasswordParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: PasswordParams = OWASP_ARGON2ID) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  /**
   * True when `password` matches `hash`. With `hash` undefined (no such user) it still spends the time of a
   * real verification and answers false. A malformed stored hash answers false rather than throwing.
   */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash());
    let ok: boolean;
    try {
      ok = await argon2.verify(target, password);
    } catch {
      ok = false;
    }
    return hash !== undefined && ok;
  }

  /** True when `hash` was made with weaker parameters than today's (rehash after a successful login). */
  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.params);
    } catch {
      return true;
    }
  }

  private dummyHash(): Promise<string> {
    // Made once, from a password nobody can type, so it never matches.
    this.dummy ??= this.hash(`\u0000dummy-${Math.random()}-${Date.now()}`);
    return this.dummy;
  }
}
