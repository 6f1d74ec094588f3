/**
 * Who may hold WebSocket connections on this gateway (issue 8): the upgrade's `Origin` must be allowed (the
 * configured list, default the app's own origin; clients that send no Origin, i.e. not browsers, pass), a client
 * address holds at most `wsPerAddress` sockets, authenticated or not, and an account at most `wsPerAccount`.
 * The client address is the socket's peer, or with LIGHTSTICK_TRUST_PROXY the address the trusted proxies
 * forwarded (proxy-addr, the rules Fastify uses for HTTP).
 *
 * Where counts live: the address count is per gateway process (checking it in Redis would cost a Redis call per
 * unauthenticated upgrade, turning a flood of them into load on the shared Redis; the process count already
 * bounds an address to cap x gateways). The account count is per process too and, in scale-out mode, also
 * across the deployment (`ConnectionCounts` in Redis, checked once per authenticated socket): the process
 * count answers at once, the shared one a round trip later. When Redis cannot answer, the process count alone
 * holds (a Redis outage must not lock every fan out).
 *
 * Refusals: a bad origin answers the upgrade `403`, a full address `429` (JSON `{ error: { code } }`, before
 * any WebSocket work); an account over its cap gets an error frame `rate_limited` and close 4013.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { CloseCode } from '@lightstick/protocol';
import { trustProxyFn, type SecurityConfig } from '../config/security.ts';
import type { Logger } from '../observability/logger.ts';
import { securityEvent } from '../observability/security-events.ts';
import type { ConnectionCounts } from '../presence/connection-counts.ts';
import type { AddressLimit } from './address-limits.ts';
import type { Session } from './session.ts';

/** A socket's claim on its account's shared count: taken once Redis said so, given back when it closes. */
export interface SharedClaim {
  userId: string;
  held: boolean;
  closed: boolean;
}

export type UpgradeVerdict =
  { ok: true; address: string } | { ok: false; status: 403 | 429; reason: string; retryAfterMs?: number };

export class Admission {
  private readonly byAddress = new Map<string, number>();
  private readonly byAccount = new Map<string, number>();
  private readonly trust: (addr: string, i: number) => boolean;
  private sharedDown = false;

  constructor(
    private readonly security: SecurityConfig,
    private readonly logger: Logger,
    /** Scale-out mode: the account count across gateways. */
    private readonly shared?: ConnectionCounts,
    /** WebSocket upgrades per address and connect window (LIGHTSTICK_ADDRESS_CONNECT_LIMIT). */
    private readonly connects?: AddressLimit,
  ) {
    this.trust = trustProxyFn(security.trustProxy);
  }

  clientAddress(req: IncomingMessage): string {
    return proxyaddr(req, this.trust);
  }

  /** Decides an upgrade before any WebSocket work. */
  check(req: IncomingMessage): UpgradeVerdict {
    const address = this.clientAddress(req);
    if (!this.originAllowed(req)) {
      securityEvent(this.logger, 'connection_refused', { ip: address, code: 'forbidden', why: 'origin' });
      return { ok: false, status: 403, reason: 'origin not allowed' };
    }
    if ((this.byAddress.get(address) ?? 0) >= this.security.wsPerAddress) {
      securityEvent(this.logger, 'connection_refused', { ip: address, code: 'rate_limited', why: 'address' });
      return { ok: false, status: 429, reason: 'too many connections from this address' };
    }
    const retryAfterMs = this.connects?.take(address) ?? 0;
    if (retryAfterMs > 0) {
      securityEvent(this.logger, 'connection_refused', {
        ip: address,
        code: 'rate_limited',
        why: 'connects',
      });
      return { ok: false, status: 429, reason: 'too many connects from this address', retryAfterMs };
    }
    return { ok: true, address };
  }

  /**
   * A socket opened from `address` (kept as `session.address`): counts it for its address (closing it when
   * concurrent upgrades overshot the cap). What Admission counts is kept on the session itself
   * (`address`, `countedAccount`, `claim`): three WeakMaps keyed by session cost ~130 bytes per connection.
   */
  opened(session: Session, address: string): void {
    const n = (this.byAddress.get(address) ?? 0) + 1;
    this.byAddress.set(address, n);
    session.address = address;
    if (n > this.security.wsPerAddress) this.refuse(session, 'Too many connections from this address');
  }

  /** After an `auth` frame: counts the socket for its account once; closes it past the account's cap. */
  authed(session: Session): void {
    const userId = session.principal?.userId;
    if (userId === undefined || session.countedAccount !== undefined || !session.active) return;
    const n = (this.byAccount.get(userId) ?? 0) + 1;
    this.byAccount.set(userId, n);
    session.countedAccount = userId;
    if (n > this.security.wsPerAccount) return this.refuseAccount(session, userId, 'gateway');
    if (this.shared) this.claim(this.shared, session, userId);
  }

  closed(session: Session): void {
    // Each count is given back once: the fields are cleared as they are released.
    release(this.byAddress, session.address);
    release(this.byAccount, session.countedAccount);
    session.address = undefined;
    session.countedAccount = undefined;
    const claim = session.claim;
    if (claim) {
      claim.closed = true;
      this.giveBack(claim);
      session.claim = undefined;
    }
  }

  /** Takes a slot of the account's deployment-wide count; closes the socket when every slot is taken. */
  private claim(shared: ConnectionCounts, session: Session, userId: string): void {
    const claim: SharedClaim = { userId, held: false, closed: false };
    session.claim = claim;
    shared.acquire(accountKey(userId), this.security.wsPerAccount).then(
      (taken) => {
        if (this.sharedDown) this.logger.warn('connection counts in Redis answer again');
        this.sharedDown = false;
        if (taken) {
          claim.held = true;
          // Closed while Redis answered: nothing else will give the slot back.
          if (claim.closed) this.giveBack(claim);
        } else if (!claim.closed && session.active) {
          this.refuseAccount(session, userId, 'deployment');
        }
      },
      (err: unknown) => {
        if (!this.sharedDown)
          this.logger.warn({ err }, 'connection counts in Redis unavailable; per-gateway caps only');
        this.sharedDown = true;
      },
    );
  }

  private giveBack(claim: SharedClaim): void {
    if (!claim.held) return;
    claim.held = false;
    this.shared?.release(accountKey(claim.userId)).catch((err: unknown) => {
      // The count is written back by the node's next refresh (presence/redis-connections.ts).
      this.logger.debug({ err }, 'connection count release failed');
    });
  }

  private refuseAccount(session: Session, userId: string, across: 'gateway' | 'deployment'): void {
    securityEvent(this.logger, 'connection_refused', {
      userId,
      ip: session.address,
      code: 'rate_limited',
      why: 'account',
      across,
    });
    this.refuse(session, 'Too many connections for this account');
  }

  private refuse(session: Session, message: string): void {
    session.error(undefined, 'rate_limited', message);
    session.close(CloseCode.TooManyConnections, 'too many connections');
  }

  private originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true; // not a browser: Origin protects browsers' users only
    const allowed = this.security.allowedOrigins;
    if (allowed.length > 0) return allowed.includes(origin);
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false;
    }
    const forwarded = this.security.trustProxy !== false ? req.headers['x-forwarded-host'] : undefined;
    const own =
      (typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined) ?? req.headers.host;
    return host === own;
  }
}

function release(counts: Map<string, number>, key: string | undefined): void {
  if (key === undefined) return;
  const n = (counts.get(key) ?? 1) - 1;
  if (n <= 0) counts.delete(key);
  else counts.set(key, n);
}

/** The account's key in the deployment-wide connection counts. */
function accountKey(userId: string): string {
  return `a:${userId}`;
}
