/**
 * The mixed-script rule for usernames (issue 8): a name may not mix writing systems whose letters pass for
 * each other ('pаypal' with a Cyrillic а, 'Αdmin' with a Greek Α), while the mixes K-pop fans really write stay
 * allowed ('민지_fan', 'yuna팬', 'アイリ2026', '민지スキ').
 *
 * It is UTS #39's "moderately restrictive" level (section 5.2), widened for this platform's fans:
 * - one script, any script; or
 * - any mix of Latin, Hangul, Han, Hiragana, Katakana and Bopomofo (UTS #39 allows them with Latin one
 *   language at a time; fans write Korean and Japanese together); or
 * - Latin with one other script recommended for identifiers (UAX #31 table 4) except Cyrillic and Greek.
 * Digits, punctuation, emoji and combining marks (scripts Common and Inherited) count for no script.
 * Written here because JavaScript's regular expressions know every script (\p{Script=...}) and no maintained
 * package implements the restriction levels.
 */

/** Recommended scripts (UAX #31 table 4). Letters of any other script count as one script, 'Other', that mixes
 * with nothing (a name all in Cherokee is fine; 'Ꭺdmin' is not). */
const RECOMMENDED = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Hangul',
  'Han',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Arabic',
  'Armenian',
  'Bengali',
  'Devanagari',
  'Ethiopic',
  'Georgian',
  'Gujarati',
  'Gurmukhi',
  'Hebrew',
  'Kannada',
  'Khmer',
  'Lao',
  'Malayalam',
  'Myanmar',
  'Oriya',
  'Sinhala',
  'Tamil',
  'Telugu',
  'Thaana',
  'Thai',
  'Tibetan',
] as const;
const SCRIPT_OF = RECOMMENDED.map((name) => [name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as const);
const NO_SCRIPT = /^[\p{Script=Common}\p{Script=Inherited}]$/u;
const EAST_ASIAN = new Set(['Latin', 'Hangul', 'Han', 'Hiragana', 'Katakana', 'Bopomofo']);
const NOT_WITH_LATIN = new Set(['Cyrillic', 'Greek', 'Other']);

function scriptOf(ch: string): string | undefined {
  if (NO_SCRIPT.test(ch)) return undefined;
  return SCRIPT_OF.find(([, re]) => re.test(ch))?.[0] ?? 'Other';
}

/** The scripts of `name`'s letters, in order of first use. */
export function scriptsOf(name: string): string[] {
  const seen = new Set<string>();
  for (const ch of name) {
    const script = scriptOf(ch);
    if (script !== undefined) seen.add(script);
  }
  return [...seen];
}

/** The scripts `name` mixes against the rule, or undefined when the mix is allowed. */
export function confusableMix(name: string): string[] | undefined {
  const scripts = scriptsOf(name);
  if (scripts.length <= 1) return undefined;
  if (scripts.every((s) => EAST_ASIAN.has(s))) return undefined;
  if (scripts.length === 2 && scripts.includes('Latin') && !scripts.some((s) => NOT_WITH_LATIN.has(s)))
    return undefined;
  return scripts;
}
