/** HTTP limits of the moderation, report and translation routes (docs/http-api.md; change both together). */
import type { RateRule } from '../ratelimit/rate-limiter.ts';

export const ModerationRateRules = {
  /** Reports: 10 per person, refilling over a minute. */
  reportPerUser: { ratePerSecond: 10 / 60, burst: 10 },
  /** Moderation actions (modes, deletes, pins, timeouts, bans, settling reports, filters): 120 a minute. */
  actionPerUser: { ratePerSecond: 2, burst: 30 },
  /** Translations asked by one person: 60 a minute with a burst of 20. */
  translatePerUser: { ratePerSecond: 1, burst: 20 },
} satisfies Record<string, RateRule>;
export type ModerationRateRules = { [K in keyof typeof ModerationRateRules]: RateRule };
