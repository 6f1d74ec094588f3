/**
 * Login throttling without denial of service (issue 8). Wrong passwords used to lock an account for everyone
 * (five tries from anywhere); now the limits are:
 * - per client address: `loginPerAddress` (every attempt);
 * - per (account, address) pair: `loginPerPair`, 5 tries then one every 3 minutes (progressive: the burst goes
 *   fast, then the refill paces it); a successful login resets the pair;
 * - per account, across addresses: `loginPerAccount`, 20 tries then one every 3 minutes, EXCEPT from an address
 *   that signed in to the account within `knownAddressDays`: so an attacker spread over many addresses slows
 *   guessing down without locking the owner out of their usual address.
 * Keys hold a hash of the account name, never the name (a failed-login "username" is sometimes a password).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.ts';

export interface LoginRules {
  loginPerAddress: RateRule;
  loginPerPair: RateRule;
  loginPerAccount: RateRule;
}

const KNOWN_DAYS = 30;
/** A one-token bucket that refills after KNOWN_DAYS: spent = this address signed in recently. */
const KNOWN: RateRule = { ratePerSecond: 1 / (KNOWN_DAYS * 86_400), burst: 1 };

export function accountHash(nameKey: string): string {
  return createHash('sha256').update(`lightstick-login:${nameKey}`).digest('hex').slice(0, 32);
}

export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly rules: LoginRules,
  ) {}

  /** Before checking the password: throws rate_limited (with retryAfterMs) when a limit is spent. */
  async attempt(nameKey: string, ip: string): Promise<void> {
    const acct = accountHash(nameKey);
    await this.take(`login:ip:${ip}`, this.rules.loginPerAddress);
    await this.take(`login:pair:${acct}:${ip}`, this.rules.loginPerPair);
    if (!(await this.known(acct, ip))) await this.take(`login:acct:${acct}`, this.rules.loginPerAccount);
  }

  /** After a right password: the pair starts afresh and the address is remembered for the account. */
  async succeeded(nameKey: string, ip: string): Promise<void> {
    const acct = accountHash(nameKey);
    await this.limiter.reset(`login:pair:${acct}:${ip}`);
    await this.limiter.consume(`login:known:${acct}:${ip}`, KNOWN);
  }

  private async known(acct: string, ip: string): Promise<boolean> {
    return !(await this.limiter.consume(`login:known:${acct}:${ip}`, KNOWN, 0)).allowed;
  }

  private async take(key: string, rule: RateRule): Promise<void> {
    const d = await this.limiter.consume(key, rule);
    if (!d.allowed) {
      throw new AppError('rate_limited', 'Too many attempts; try again later', {
        retryAfterMs: d.retryAfterMs,
      });
    }
  }
}
