/**
 * What the three cloud adapters' webhook checks share: reading a header, parsing the JSON body into an object,
 * comparing a shared secret in constant time, and the `t=<unix>,v1=<hex>` HMAC-SHA256 scheme that Mux
 * (`mux-signature: t=...,v1=...`) and Cloudflare Stream (`Webhook-Signature: time=...,sig1=...`) both use
 * over `${timestamp}.${raw body}`. Written here rather than taken from the Mux SDK because the SDK's verifier
 * reads the wall clock and a fixed tolerance; the seam checks against the delivery's receive time and the
 * configured tolerance (and refuses timestamps from the future, which the SDK lets through).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../../errors.ts';
import type { WebhookDelivery } from '../stream-provider.ts';

/** One header's value (names are case-insensitive; a repeated header counts as missing: it is ambiguous). */
export function header(delivery: WebhookDelivery, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(delivery.headers)) {
    if (k.toLowerCase() !== want) continue;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** The body as a JSON object, or AppError('bad_request'). */
export function jsonObject(body: Buffer | string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    throw new AppError('bad_request', `The ${what} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AppError('bad_request', `The ${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Equal secrets, compared in time independent of where they differ (hashed first: lengths may differ). */
export function secretEquals(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface TimestampedScheme {
  /** Header carrying the signature, e.g. `mux-signature`. */
  header: string;
  /** Name of the timestamp part (`t` for Mux, `time` for Cloudflare). */
  timeKey: string;
  /** Name of the signature parts (`v1`, `sig1`); several may be present during a secret rotation. */
  sigKey: string;
}

/**
 * Verifies a `${time}.${body}` HMAC-SHA256 signature. Throws AppError('forbidden') for a missing header, a
 * signature that does not match, or a timestamp further than `toleranceMs` from the receive time.
 */
export function verifyTimestampedHmac(
  delivery: WebhookDelivery,
  scheme: TimestampedScheme,
  secret: string | undefined,
  toleranceMs: number,
): void {
  if (secret === undefined) throw new AppError('forbidden', 'Webhook deliveries are not configured');
  const raw = header(delivery, scheme.header);
  if (raw === undefined) throw new AppError('forbidden', `The ${scheme.header} header is missing`);
  let time: string | undefined;
  const sigs: string[] = [];
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === scheme.timeKey) time = value;
    else if (key === scheme.sigKey) sigs.push(value);
  }
  if (time === undefined || !/^\d{1,12}$/.test(time) || sigs.length === 0) {
    throw new AppError('forbidden', `The ${scheme.header} header is malformed`);
  }
  const expected = createHmac('sha256', secret).update(`${time}.`).update(delivery.body).digest();
  const ok = sigs.some((s) => {
    if (!/^[0-9a-f]{64}$/i.test(s)) return false;
    return timingSafeEqual(Buffer.from(s, 'hex'), expected);
  });
  if (!ok) throw new AppError('forbidden', 'The webhook signature does not match');
  if (Math.abs(delivery.receivedAt - Number(time) * 1000) > toleranceMs) {
    throw new AppError('forbidden', 'The webhook timestamp is outside the accepted window');
  }
}

/** A signed timestamp (ms) within the tolerance of the receive time, or AppError('forbidden'). */
export function ensureFresh(atMs: number, delivery: WebhookDelivery, toleranceMs: number): void {
  if (!Number.isFinite(atMs) || Math.abs(delivery.receivedAt - atMs) > toleranceMs) {
    throw new AppError('forbidden', 'The delivery timestamp is outside the accepted window');
  }
}
