/**
 * Tells fans every room mode and limit in words (issue 11 part 10): read over HTTP on mount, then kept
 * current by `mode` frames; plus the last refused send's reason (slow mode, timed out...) as a sentence, its
 * time left counting down, gone when the wait is over.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FandomRealtime, ModeEvent } from './contract.ts';
import type { ApiClient } from '@lightstick/client';
import { moderation } from './moderation-api.ts';
import { modeSentences, sendErrorSentence, t, type Lang } from './strings.ts';

export interface ModeBannerProps {
  api: ApiClient;
  rt: FandomRealtime;
  room: string;
  lang: Lang;
  /** The last refused send (code, wait, and `at`: when it was told, ms since the epoch) to explain, or null. */
  refusal?: { code: string; retryAfterMs?: number | undefined; at?: number | undefined } | null;
  /** The per-fan send limit to state (default 20 messages per 30 s, the documented default). */
  rateLimit?: { messages: number; seconds: number };
}

const DEFAULT_RATE = { messages: 20, seconds: 30 };

/** The room's modes, fetched once and then followed live. */
export function useRoomMode(api: ApiClient, rt: FandomRealtime, room: string): ModeEvent | null {
  const [mode, setMode] = useState<ModeEvent | null>(null);
  useEffect(() => {
    let live = true;
    const off = rt.on('mode', (m) => m.room === room && setMode(m));
    moderation(api)
      .mode(room)
      .then(
        (m) => live && setMode((cur) => cur ?? m),
        () => undefined, // no mode shown rather than an error: the chat itself still works
      );
    return () => {
      live = false;
      off();
    };
  }, [api, rt, room]);
  return mode;
}

/**
 * Milliseconds left of a refusal's wait (undefined: it has none), redrawn each second while some is left; a
 * refusal without `at` keeps its wait as told.
 */
function useTimeLeft(refusal: ModeBannerProps['refusal']): number | undefined {
  const [now, setNow] = useState(Date.now);
  const wait = refusal?.retryAfterMs;
  const end = wait === undefined || refusal?.at === undefined ? undefined : refusal.at + wait;
  useEffect(() => {
    if (end === undefined) return;
    setNow(Date.now());
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= end) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [end]);
  return timeLeft(refusal, now);
}

/**
 * The wait left at `now`. `now` is the banner's last redraw, which may predate the refusal (the first render
 * after it is told comes before the effect reads the clock), so it counts from no earlier than `at`: a 10-minute
 * timeout read as "11 minutes" until the next tick, rounded up from 600 000 ms plus that stale gap.
 */
export function timeLeft(refusal: ModeBannerProps['refusal'], now: number): number | undefined {
  const wait = refusal?.retryAfterMs;
  if (wait === undefined || refusal?.at === undefined) return wait;
  return refusal.at + wait - Math.max(now, refusal.at);
}

export function ModeBanner({ api, rt, room, lang, refusal, rateLimit = DEFAULT_RATE }: ModeBannerProps) {
  const mode = useRoomMode(api, rt, room);
  const left = useTimeLeft(refusal);
  const over = left !== undefined && left <= 0;
  const refused = refusal && !over ? sendErrorSentence(refusal.code, left, lang) : null;
  if (!mode && !refused) return null;
  return (
    <section class="fd-mode-banner" data-testid="fd-mode-banner" aria-label={t(lang, 'mode.title')}>
      {mode && (
        <ul class="fd-modes">
          {modeSentences(mode, lang).map((s) => (
            <li key={s} data-testid="fd-mode-line">
              {s}
            </li>
          ))}
          <li class="fd-limit" data-testid="fd-limit-line">
            {t(lang, 'limit.rate', rateLimit)}
          </li>
        </ul>
      )}
      {refused && (
        <p class="fd-refusal" role="alert" data-testid="fd-refusal">
          {refused}
        </p>
      )}
    </section>
  );
}
