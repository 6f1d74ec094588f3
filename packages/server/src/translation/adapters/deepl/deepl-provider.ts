/**
 * DeepL through its documented REST call: `POST {base}/v2/translate` with `Authorization: DeepL-Auth-Key <key>`
 * and the JSON body `{ "text": [...], "target_lang": "KO", "source_lang"?: "EN" }`, answered with
 * `{ "translations": [{ "detected_source_language": "EN", "text": "..." }] }`. Free-plan keys end in ":fx" and
 * use api-free.deepl.com; others api.deepl.com (or `baseUrl`, e.g. a test server).
 */
import type { TranslationLanguage } from '@lightstick/protocol';
import { AppError } from '../../../errors.ts';
import type { TranslationProvider, TranslationRequest } from '../../translation-provider.ts';

/** Our language codes -> DeepL target codes (English and Portuguese need a variant; zh is Simplified). */
const TARGETS: Partial<Record<TranslationLanguage, string>> = {
  ko: 'KO',
  ja: 'JA',
  en: 'EN-US',
  zh: 'ZH-HANS',
  'zh-TW': 'ZH-HANT',
  es: 'ES',
  pt: 'PT-BR',
  id: 'ID',
  fr: 'FR',
  de: 'DE',
  it: 'IT',
  ru: 'RU',
  tr: 'TR',
};
/** Source codes DeepL takes (no variants); others are left for DeepL to detect. */
const SOURCES = new Set([
  'ko',
  'ja',
  'en',
  'zh',
  'es',
  'pt',
  'id',
  'fr',
  'de',
  'it',
  'ru',
  'tr',
  'ar',
  'nl',
  'pl',
]);

export interface DeeplOptions {
  apiKey: string;
  /** Default: https://api-free.deepl.com for ":fx" keys, else https://api.deepl.com. */
  baseUrl?: string;
}

export class DeeplProvider implements TranslationProvider {
  readonly name = 'deepl';
  private readonly url: string;

  constructor(private readonly opts: DeeplOptions) {
    const base =
      opts.baseUrl ?? (opts.apiKey.endsWith(':fx') ? 'https://api-free.deepl.com' : 'https://api.deepl.com');
    this.url = `${base.replace(/\/+$/, '')}/v2/translate`;
  }

  supports(target: TranslationLanguage): boolean {
    return TARGETS[target] !== undefined;
  }

  async translate(
    req: TranslationRequest,
    signal: AbortSignal,
  ): Promise<{ text: string; detectedSource?: string }> {
    const target = TARGETS[req.target];
    if (target === undefined)
      throw new AppError('validation_failed', `DeepL does not translate into ${req.target}`);
    const body: Record<string, unknown> = { text: [req.text], target_lang: target };
    if (req.source !== undefined && SOURCES.has(req.source)) body.source_lang = req.source.toUpperCase();
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `DeepL-Auth-Key ${this.opts.apiKey}`,
          'content-type': 'application/json',
          'user-agent': 'Lightstick',
        },
        body: JSON.stringify(body),
        signal,
      });
    } catch (err) {
      throw new AppError('unavailable', 'The translation service cannot be reached right now', {
        details: { reason: err instanceof Error ? err.name : 'error' },
      });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) {
      // 403: bad key, 456: quota used up, 429: too many requests (documented by DeepL).
      const why =
        res.status === 456
          ? 'quota exceeded'
          : res.status === 403
            ? 'authorization failed'
            : `HTTP ${res.status}`;
      throw new AppError(
        res.status === 429 ? 'unavailable' : 'provider_error',
        `DeepL refused the translation: ${why}`,
      );
    }
    let parsed: { translations?: { text?: unknown; detected_source_language?: unknown }[] };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new AppError('provider_error', 'DeepL answered something that is not JSON');
    }
    const first = parsed.translations?.[0];
    if (typeof first?.text !== 'string')
      throw new AppError('provider_error', 'DeepL answered without a translation');
    const detected =
      typeof first.detected_source_language === 'string'
        ? first.detected_source_language.toLowerCase()
        : undefined;
    return detected === undefined ? { text: first.text } : { text: first.text, detectedSource: detected };
  }
}
