/**
 * Pure helpers the live pages share: the order lives are listed in, when to ask for a new playback URL
 * (before it expires, and after the player failed), and how a time is written. No DOM and no Preact
 * here, so they are easy to test and to reuse.
 */
import type { LiveState, LiveView } from '@lightstick/protocol';

/** Live now (live or reconnecting) first, then scheduled, then past. */
const GROUP: Record<LiveState, number> = { live: 0, reconnecting: 0, scheduled: 1, ended: 2 };

const time = (iso: string | null): number => (iso ? Date.parse(iso) : Number.NaN);

/**
 * Lives in the order the community page shows them: on air first (newest start first), then scheduled
 * (soonest first, unscheduled last), then past (most recently ended first).
 */
export function orderLives(lives: readonly LiveView[]): LiveView[] {
  const key = (l: LiveView): number => {
    if (l.state === 'scheduled') return time(l.scheduledAt);
    if (l.state === 'ended') return -time(l.endedAt ?? l.startedAt);
    return -time(l.startedAt);
  };
  return [...lives].sort((a, b) => {
    const g = GROUP[a.state] - GROUP[b.state];
    if (g !== 0) return g;
    const ka = key(a);
    const kb = key(b);
    if (Number.isNaN(ka) || Number.isNaN(kb)) return Number.isNaN(ka) ? (Number.isNaN(kb) ? 0 : 1) : -1;
    return ka - kb;
  });
}

/** Whether a player should be attached: the provider serves the stream in these states. */
export const isOnAir = (state: LiveState): boolean => state === 'live' || state === 'reconnecting';

/** Longest margin kept before a playback URL expires (a long grant is renewed a minute before). */
export const REFRESH_MARGIN_MAX_MS = 60_000;
/** Soonest a refresh is scheduled, so a clock that is off never makes a busy loop. */
export const REFRESH_MIN_DELAY_MS = 1_000;

/**
 * Milliseconds from `now` until the playback URL expiring at `expiresAt` should be replaced: a fifth of
 * the time left before it expires, at most a minute before, never sooner than a second from now.
 */
export function refreshDelay(expiresAt: string, now: number): number {
  const left = Date.parse(expiresAt) - now;
  if (!Number.isFinite(left)) return REFRESH_MIN_DELAY_MS;
  const margin = Math.min(REFRESH_MARGIN_MAX_MS, left / 5);
  return Math.max(REFRESH_MIN_DELAY_MS, Math.floor(left - margin));
}

/** Wait before asking for a new grant after a first player failure (the stream may be reconnecting), and the cap. */
export const FAIL_WAIT_MS = 2_000;
export const FAIL_WAIT_MAX_MS = 30_000;

/** The wait after `failures` player failures in a row: doubling from FAIL_WAIT_MS up to the cap, 50-100 % of it. */
export const failWait = (failures: number, random = Math.random()): number =>
  Math.round(Math.min(FAIL_WAIT_MAX_MS, FAIL_WAIT_MS * 2 ** Math.max(0, failures - 1)) * (0.5 + random / 2));

/** A short local date and time for `iso` in `lang` (empty for null). */
export function formatTime(iso: string | null, lang: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
