/**
 * The UI language: picked from the browser's languages (Korean, Japanese, else English), switchable in the
 * header and remembered. `t()` reads the signal, so components re-render when the language changes. Dates,
 * times and counts go through Intl in the same locale.
 */
import { signal } from '@preact/signals';
import { en, type Catalogue, type MessageKey } from './en.ts';
import { ja } from './ja.ts';
import { ko } from './ko.ts';

export const LANGS = ['ko', 'ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_NAMES: Record<Lang, string> = { ko: '한국어', ja: '日本語', en: 'English' };
const CATALOGUES: Record<Lang, Catalogue> = { en, ko, ja };
const KEY = 'lightstick.lang';

export function pickLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0] as Lang;
    if (LANGS.includes(base)) return base;
  }
  return 'en';
}

function initial(): Lang {
  const saved = localStorage.getItem(KEY);
  if (saved && (LANGS as readonly string[]).includes(saved)) return saved as Lang;
  return pickLang(navigator.languages?.length ? navigator.languages : [navigator.language]);
}

export const lang = signal<Lang>(initial());

export function setLang(next: Lang): void {
  localStorage.setItem(KEY, next);
  lang.value = next;
}

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text: string = CATALOGUES[lang.value][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function fmt(kind: 'time' | 'date'): Intl.DateTimeFormat {
  const k = `${lang.value}:${kind}`;
  let f = timeFormats.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat(
      lang.value,
      kind === 'time' ? { hour: 'numeric', minute: '2-digit' } : { dateStyle: 'full' },
    );
    timeFormats.set(k, f);
  }
  return f;
}

const numberFormats = new Map<string, Intl.NumberFormat>();
/** A count in the UI language's digits and grouping: 12,345 (en, ko, ja alike today, but Intl decides). */
export function formatCount(n: number): string {
  let f = numberFormats.get(lang.value);
  if (!f) numberFormats.set(lang.value, (f = new Intl.NumberFormat(lang.value)));
  return f.format(n);
}

export const formatTime = (d: Date): string => fmt('time').format(d);
export const formatDate = (d: Date): string => fmt('date').format(d);
