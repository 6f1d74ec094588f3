/**
 * Quotas on creating communities and rooms (issue 8: one new account made 100 communities in 2 s). Each is a
 * total and a sliding window, counted from what the store holds in the creating transaction (repositories.ts,
 * CreationQuota), so they survive restarts, hold across processes and never count a creation that failed (a
 * taken slug). A spent total answers `quota_exceeded` (no wait helps); a full window `rate_limited` with
 * `retryAfterMs`, the time until its oldest creation leaves it. Platform admins are exempt (the caller leaves
 * the quota out).
 */
import type { CreationQuotas, WindowLimit } from '../config/config.ts';
import { AppError } from '../errors.ts';
import type { CreationQuota } from '../storage/repositories.ts';

/** Communities one account made: `communitiesPerAccount` in all, `communityCreates` per window. */
export function communityQuota(q: CreationQuotas, now: number): CreationQuota {
  return quota(now, q.communitiesPerAccount, q.communityCreates, {
    total: (max) => `An account may create at most ${max} communities`,
    rate: (limit, window) => `An account may create at most ${limit} communities per ${window}`,
  });
}

/** Rooms of one community (lives' rooms left out): `roomsPerCommunity` in all, `roomCreates` per window. */
export function roomQuota(q: CreationQuotas, now: number): CreationQuota {
  return quota(now, q.roomsPerCommunity, q.roomCreates, {
    total: (max) => `A community may have at most ${max} rooms`,
    rate: (limit, window) => `At most ${limit} rooms may be created in a community per ${window}`,
  });
}

function quota(
  now: number,
  max: number,
  window: WindowLimit,
  say: { total(max: number): string; rate(limit: number, window: string): string },
): CreationQuota {
  return {
    // A creation at t counts until t + windowMs.
    since: now - window.windowMs + 1,
    check({ total, recent }) {
      if (total >= max) throw new AppError('quota_exceeded', say.total(max), { details: { limit: max } });
      if (recent.length < window.limit) return;
      // The creation whose leaving the window frees a place.
      const freeing = recent[recent.length - window.limit]!;
      throw new AppError('rate_limited', say.rate(window.limit, duration(window.windowMs)), {
        retryAfterMs: Math.max(1, freeing + window.windowMs - now),
      });
    },
  };
}

/** A window in words: `24 h`, `1 h`, `10 min`, `30 s`. */
function duration(ms: number): string {
  const s = ms / 1000;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}
