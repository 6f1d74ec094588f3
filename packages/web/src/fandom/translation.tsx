/**
 * A message's translation under the original (issue 11 part 8), fetched through the translation route only
 * when the message is in another language than the reader's, or on request; a few at a time per page.
 * Loaded on demand: a reader whose room speaks their language never downloads it.
 */
import type { ChatMessage } from '@lightstick/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '@lightstick/client';
import { moderation } from './moderation-api.ts';
import { t, type Lang } from './strings.ts';

export interface TranslationProps {
  api: ApiClient;
  room: string;
  message: Pick<ChatMessage, 'id' | 'lang'>;
  /** The reader's language. */
  lang: Lang;
  /** Translate without asking when the detected language differs (default true). */
  auto?: boolean;
}

const LANG_NAMES: Record<string, Record<Lang, string>> = {
  ko: { ko: '한국어', ja: '韓国語', en: 'Korean' },
  ja: { ko: '일본어', ja: '日本語', en: 'Japanese' },
  en: { ko: '영어', ja: '英語', en: 'English' },
};

/**
 * Automatic translations in flight per page, and waiting: a fast room (50 messages/s) must not become 50
 * requests a second per fan. Beyond the queue, a message offers the button instead.
 */
const MAX_IN_FLIGHT = 4;
const MAX_WAITING = 20;
let inFlight = 0;
const waiting: (() => void)[] = [];
/**
 * After the server said translation is unavailable (not set up, or the provider unreachable), automatic
 * translations stop for this long: a busy room would otherwise send a request per message to be told the same.
 */
const PAUSE_AFTER_UNAVAILABLE_MS = 60_000;
let pausedUntil = 0;
/** A waiting automatic translation given up because of the pause: shown as an unavailable answer is. */
const PAUSED = { code: 'unavailable' };

function limited<T>(fn: () => Promise<T>, asked: boolean): Promise<T> | null {
  if (!asked && inFlight >= MAX_IN_FLIGHT && waiting.length >= MAX_WAITING) return null;
  const run = (): Promise<T> => {
    inFlight++;
    return fn().finally(() => {
      inFlight--;
      waiting.shift()?.();
    });
  };
  if (inFlight < MAX_IN_FLIGHT) return run();
  return new Promise<void>((resolve) => waiting.push(resolve)).then(() => {
    if (asked || Date.now() >= pausedUntil) return run();
    waiting.shift()?.(); // paused while waiting: give the turn on
    return Promise.reject(PAUSED);
  });
}

function isForeign(message: Pick<ChatMessage, 'lang'>, lang: Lang): boolean {
  return message.lang !== undefined && message.lang !== 'und' && message.lang !== lang;
}

/**
 * Whether `Translation` would show nothing for this message now: it would translate it automatically, and
 * automatic translations are paused. A busy room's lines then leave it out rather than mount it to show nothing.
 */
export function idle(message: Pick<ChatMessage, 'lang'>, lang: Lang, auto = true): boolean {
  return auto && isForeign(message, lang) && Date.now() < pausedUntil;
}

export function Translation({ api, room, message, lang, auto = true }: TranslationProps) {
  const foreign = isForeign(message, lang);
  const [asked, setAsked] = useState<'auto' | 'user' | false>(auto && foreign ? 'auto' : false);
  const [state, setState] = useState<{ text: string; source: string } | 'failed' | null>(null);

  useEffect(() => {
    if (!asked) return;
    // Unavailable a moment ago: show nothing, as an unavailable answer would.
    if (asked === 'auto' && Date.now() < pausedUntil) return;
    let live = true;
    const req = limited(() => moderation(api).translation(room, message.id, lang), asked === 'user');
    if (!req) {
      setAsked(false); // too many at once: the reader can still ask for this one
      return;
    }
    req.then(
      (v) => live && setState(v.provider === 'none' ? null : { text: v.text, source: v.source }),
      (err: unknown) => {
        const unavailable = codeOf(err) === 'unavailable';
        if (unavailable && err !== PAUSED) pausedUntil = Date.now() + PAUSE_AFTER_UNAVAILABLE_MS;
        // Translation not set up on this server (503 unavailable): show nothing rather than a failure per message.
        if (live) setState(unavailable ? null : 'failed');
      },
    );
    return () => {
      live = false;
    };
  }, [asked, api, room, message.id, lang]);

  // Same language, or not known yet: offer a button rather than a request per message.
  if (!asked)
    return message.lang === lang ? null : (
      <button
        type="button"
        class="fd-translate link"
        data-testid="fd-translate"
        onClick={() => setAsked('user')}
      >
        {t(lang, 'translation.show')}
      </button>
    );
  if (state === null) return null;
  if (state === 'failed')
    return (
      <p class="fd-translation fd-translation--failed" data-testid="fd-translation-failed">
        {t(lang, 'translation.failed')}
      </p>
    );
  return (
    <p class="fd-translation" data-testid="fd-translation" lang={lang}>
      <span class="fd-translation-label">
        {t(lang, 'translation.label', { source: LANG_NAMES[state.source]?.[lang] ?? state.source })}
      </span>{' '}
      {state.text}
    </p>
  );
}

function codeOf(err: unknown): unknown {
  return err && typeof err === 'object' && 'code' in err ? err.code : undefined;
}
