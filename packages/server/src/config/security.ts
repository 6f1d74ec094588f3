/**
 * Security settings (issue 8): which proxies to trust for the client address, the WebSocket origin
 * allow-list, connection caps, and the HTTP server's timeouts. Read by config/load.ts.
 */
import proxyaddr from 'proxy-addr';
import { ConfigError, int, type Env } from './load.ts';

export interface SecurityConfig {
  /**
   * LIGHTSTICK_TRUST_PROXY: false (unset: forwarded headers ignored), a hop count, or addresses/CIDRs of the
   * proxies whose X-Forwarded-For is believed.
   */
  trustProxy: false | number | string[];
  /** LIGHTSTICK_ALLOWED_ORIGINS: origins allowed to open WebSockets; empty: the request's own host only. */
  allowedOrigins: string[];
  /** WebSocket connections per client address on one gateway process, authenticated or not. */
  wsPerAddress: number;
  /** WebSocket connections per account on one gateway process. */
  wsPerAccount: number;
  /** Whole request (headers and body) must arrive within this (Node `requestTimeout`). */
  httpRequestTimeoutMs: number;
  /** Headers must arrive within this (Node `headersTimeout`). */
  httpHeadersTimeoutMs: number;
}

export function loadSecurity(e: Env): SecurityConfig {
  const requestMs = int(e, 'LIGHTSTICK_HTTP_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000);
  return {
    trustProxy: trustProxy(e.LIGHTSTICK_TRUST_PROXY),
    allowedOrigins: origins(e.LIGHTSTICK_ALLOWED_ORIGINS),
    wsPerAddress: int(e, 'LIGHTSTICK_WS_MAX_PER_ADDRESS', 100, 1, 1_000_000),
    wsPerAccount: int(e, 'LIGHTSTICK_WS_MAX_PER_ACCOUNT', 10, 1, 10_000),
    httpRequestTimeoutMs: requestMs,
    httpHeadersTimeoutMs: Math.min(
      requestMs,
      int(e, 'LIGHTSTICK_HTTP_HEADERS_TIMEOUT_MS', 10_000, 500, 600_000),
    ),
  };
}

const CIDR = /^[0-9a-fA-F:.]+(\/\d{1,3})?$/;

function trustProxy(raw: string | undefined): SecurityConfig['trustProxy'] {
  const v = raw?.trim();
  if (!v || v === 'false') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops < 1 || hops > 10) throw new ConfigError('LIGHTSTICK_TRUST_PROXY hop count accepts 1 to 10');
    return hops;
  }
  const list = v.split(',').map((s) => s.trim());
  for (const c of list) {
    if (!CIDR.test(c) && !['loopback', 'linklocal', 'uniquelocal'].includes(c)) {
      throw new ConfigError(
        `LIGHTSTICK_TRUST_PROXY="${c}" is not an address or CIDR; it accepts a hop count or a comma-separated list`,
      );
    }
  }
  return list;
}

function origins(raw: string | undefined): string[] {
  const list = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const o of list) {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new ConfigError(`LIGHTSTICK_ALLOWED_ORIGINS: "${o}" is not an origin like https://fans.example`);
    }
    if (u.origin !== o.replace(/\/$/, '')) {
      throw new ConfigError(`LIGHTSTICK_ALLOWED_ORIGINS: "${o}" is not an origin (scheme, host, port only)`);
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
}

/** LIGHTSTICK_TRUST_PROXY as proxy-addr's trust function (HTTP through Fastify, and the gateway's upgrades). */
export function trustProxyFn(t: SecurityConfig['trustProxy']): (addr: string, i: number) => boolean {
  if (t === false) return () => false;
  if (typeof t === 'number') return (_addr, i) => i < t;
  return proxyaddr.compile(t);
}
