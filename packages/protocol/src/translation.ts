/** Translation of a message into a reader's language: free for every fan (docs/http-api.md). */
import { Type, type Static } from '@sinclair/typebox';

/** Target languages a reader may ask for (ISO 639-1; zh is Simplified, zh-TW Traditional Chinese). */
export const TRANSLATION_LANGUAGES = [
  'ko',
  'ja',
  'en',
  'zh',
  'zh-TW',
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
] as const;
export type TranslationLanguage = (typeof TRANSLATION_LANGUAGES)[number];

export const TranslationQuery = Type.Object({
  lang: Type.Union(
    TRANSLATION_LANGUAGES.map((l) => Type.Literal(l)),
    { description: 'The language to translate into' },
  ),
});
export type TranslationQuery = Static<typeof TranslationQuery>;

export const TranslationView = Type.Object({
  mid: Type.String(),
  /** The language asked for. */
  lang: Type.String(),
  /** The message's language as detected ("und" when unsure). */
  source: Type.String(),
  text: Type.String({ description: 'The translated text (the original when it is already in `lang`)' }),
  /** Which provider translated it; "none" when the text was already in `lang`. */
  provider: Type.String(),
});
export type TranslationView = Static<typeof TranslationView>;
