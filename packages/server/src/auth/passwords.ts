/**
 * Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
 * Verification of an unknown account runs against a dummy hash with the same parameters, so the
 * time of a failed login does not reveal whether the username exists.
 */
import type argon2Api from 'argon2';

type Argon2 = typeof argon2Api;

// The native addon is loaded on first use: only processes that sign people in hash passwords, and a gateway
// need not map it (issue 6: idle RSS of a gateway).
let argon2Module: Promise<Argon2> | undefined;
function argon2(): Promise<Argon2> {
  argon2Module ??= import('argon2').then((m) => m.default);
  return argon2Module;
}

export interface PasswordParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export const OWASP_ARGON2ID: PasswordParams = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: PasswordParams = OWASP_ARGON2ID) {}

  async hash(password: string): Promise<string> {
    const a = await argon2();
    return a.hash(password, { type: a.argon2id, ...this.params });
  }

  /**
   * True when `password` matches `hash`. With `hash` undefined (no such user) it still spends the time of a
   * real verification and answers false. A malformed stored hash answers false rather than throwing.
   */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const target = hash ?? (await this.dummyHash());
    const a = await argon2();
    let ok: boolean;
    try {
      ok = await a.verify(target, password);
    } catch {
      ok = false;
    }
    return hash !== undefined && ok;
  }

  /** True when `hash` was made with weaker parameters than today's (rehash after a successful login). */
  async needsRehash(hash: string): Promise<boolean> {
    const a = await argon2();
    try {
      return a.needsRehash(hash, this.params);
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
