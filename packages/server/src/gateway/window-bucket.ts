/**
 * A `limit` per `windowMs` as a token bucket held in this process: the whole limit at once, refilled evenly.
 * The per-connection join limit and the per-address join and connect limits take from these (a connection
 * lives on one gateway; address limits stay per process, see address-limits.ts). Written here rather than
 * taken from a package because it is a few lines on a hot path with the project's own clock.
 */
import type { WindowLimit } from '../config/config.ts';

export interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Takes one token from `b` (made full when undefined) at `now`; returns the bucket to keep and the wait in
 * ms when it was empty (0: taken).
 */
export function takeToken(
  b: Bucket | undefined,
  { limit, windowMs }: WindowLimit,
  now: number,
): { bucket: Bucket; waitMs: number } {
  const perMs = limit / windowMs;
  const bucket = b ?? { tokens: limit, at: now };
  bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * perMs);
  bucket.at = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return { bucket, waitMs: 0 };
  }
  return { bucket, waitMs: Math.ceil((1 - bucket.tokens) / perMs) };
}
