/**
 * The language of a chat line (ISO 639-1), "und" when unsure. `tinyld` was picked over franc-min, eld and lande
 * by measuring 146 short fan-chat lines (30 each Korean, Japanese, English; 8 each of seven more languages):
 * tinyld 136/146 right (wrong on 4, unsure on 6), eld 137/146 but with a 4.5 MB model and confident wrong
 * answers on short lines, franc-min 105/146 (trigrams need longer text), lande 99/146. tinyld's normal build is
 * about 0.6 MB and ~60 µs a line. Hangul is used only by Korean and kana only by Japanese, so those decide at
 * once (ㅋㅋㅋ, 앵콜 앵콜); tinyld is limited to the languages fans write in, which also fixes guesses like
 * Volapük for "lol".
 */
import { createRequire } from 'node:module';
import type * as Tinyld from 'tinyld';

// tinyld's tables hold about 30 MB of a process (measured on a gateway, docs/benchmarks.md), so they load when
// first needed, not at start: an idle gateway never pays for them. A synchronous require keeps detectLanguage
// synchronous; the compiled server leaves tinyld in node_modules for it.
const requireHere = createRequire(import.meta.url);
let tinyldDetect: typeof Tinyld.detect | undefined;
const loadTinyld = (): typeof Tinyld.detect =>
  (tinyldDetect ??= (requireHere('tinyld') as typeof Tinyld).detect);
const detect: typeof Tinyld.detect = (text, opts) => loadTinyld()(text, opts);
let warming = false;

/**
 * Loads tinyld on a later turn of the event loop, once per process. The load is compile and table building on the
 * main thread: ~0.22 s on an idle core, 1.1 s in a gateway's profile on a saturated box, and nothing else runs
 * meanwhile. Loaded by the first chat line that needed it, that stall fell on a room already talking: every socket
 * of the gateway waited, acks and fan-out included (issue 6, docs/benchmarks.md "Stop 22"). A gateway calls this
 * when a fan joins, so it comes before the room's first line; a gateway nobody joins still never pays the 30 MB.
 */
export function warmLanguageDetector(): void {
  if (warming || tinyldDetect !== undefined) return;
  warming = true;
  setImmediate(() => {
    try {
      loadTinyld();
    } catch {
      // Not thrown from a timer (it would end the process): the first line that needs it tries again and its
      // send reports the failure, as before.
    }
  });
}

/** Whether tinyld is loaded in this process (tests). */
export function languageDetectorLoaded(): boolean {
  return tinyldDetect !== undefined;
}

/** Languages tinyld may answer (the translation targets and their neighbours). */
const CANDIDATES = [
  'ko',
  'ja',
  'en',
  'zh',
  'es',
  'pt',
  'id',
  'th',
  'vi',
  'fr',
  'de',
  'it',
  'ru',
  'tr',
  'ms',
  'tl',
  'ar',
  'hi',
  'pl',
  'nl',
];
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/u;
const KANA = /[\u3040-\u30ff\uff66-\uff9f]/u;
const LETTER = /\p{L}/u;

export const UNDETERMINED = 'und';

export function detectLanguage(text: string): string {
  if (HANGUL.test(text)) return 'ko';
  if (KANA.test(text)) return 'ja';
  if (!LETTER.test(text)) return UNDETERMINED; // emoji, digits, punctuation
  const lang = detect(text, { only: CANDIDATES });
  return lang === '' ? UNDETERMINED : lang === 'ms' ? 'id' : lang;
}
