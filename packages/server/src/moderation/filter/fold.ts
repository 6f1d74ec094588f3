/**
 * Folds chat text into the forms the word filter matches on, undoing the usual evasions while remembering, for
 * every folded character, which characters of the original it came from (so a match can be masked in place):
 * - width and compatibility forms (ｆｕｃｋ, ｼﾈ, ①) by NFKC; case; accents on Latin letters;
 * - look-alike letters (Cyrillic ѕ, Greek ο, mathematical 𝐟) by the `confusables` table, and leet digits and
 *   symbols inside Latin words (4ss, $hit, h3ll0);
 * - katakana to hiragana, small kana to full size, the long-vowel mark dropped;
 * - Hangul split into jamo and put back together (ㅆㅣㅂㅏㄹ -> 씨발), whether it came as syllables, as
 *   compatibility jamo or as conjoining jamo, and a vowel stretched by a silent syllable folded (씨이발 -> 씨발);
 * - spacing: the `compact` view drops every space, punctuation, symbol and emoji (씨 발, f.u.c.k); the `words`
 *   view keeps one space between words and joins runs of three or more single letters (f u c k -> fuck).
 * Repeated letters (fuuuck) are handled by the matcher (compile.ts), not here, so "good" never becomes "god".
 *
 * Written here rather than taken from a filter library: the maintained ones (obscenity, bad-words) fold English
 * only and map one character to one character, which cannot recompose Hangul or fold kana.
 */
import { remove as unconfuse } from 'confusables';
import { graphemes } from '@lightstick/protocol';
import { boundedLru } from '../../bounded-lru.ts';

/** One view of the folded text: `text`, and for each UTF-16 index of it the range [start, end) of the original. */
export interface FoldedView {
  text: string;
  from: Int32Array;
  to: Int32Array;
}

export interface Folded {
  /** Words separated by single spaces. */
  words: FoldedView;
  /** No separators at all. */
  compact: FoldedView;
}

interface Unit {
  ch: string;
  start: number;
  end: number;
  /** Space, punctuation, symbol or emoji: a word boundary. */
  sep: boolean;
}

const LATIN = /\p{Script=Latin}/u;
const LETTER = /\p{L}/u;
const SEPARATOR = /[\p{Z}\p{P}\p{S}\s]/u;
const DROP = /[\p{M}\p{Cf}\p{Cc}]/u;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
/** The long-vowel mark stretches a sound (しーね, かわいいーー): dropped, like a repeated letter. */
const LONG_VOWEL = new Set(['ー', 'ｰ']);
const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
  '€': 'e',
};
const SMALL_KANA = 'ぁぃぅぇぉっゃゅょゎゕゖ';
const LARGE_KANA = 'あいうえおつやゆよわかけ';

// Hangul: compatibility jamo in the order of the initial, vowel and final tables of Unicode's composition.
const INITIALS = 'ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ';
const VOWELS = 'ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ';
const FINALS = ' ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ';
const SYLLABLE_BASE = 0xac00;

/** Hangul syllables and conjoining jamo as compatibility jamo; anything else as it is. */
function toJamo(cp: number): string {
  if (cp >= SYLLABLE_BASE && cp <= 0xd7a3) {
    const i = cp - SYLLABLE_BASE;
    const t = i % 28;
    const v = Math.floor(i / 28) % 21;
    const l = Math.floor(i / 588);
    return INITIALS[l]! + VOWELS[v]! + (t > 0 ? FINALS[t]! : '');
  }
  if (cp >= 0x1100 && cp <= 0x1112) return INITIALS[cp - 0x1100]!;
  if (cp >= 0x1161 && cp <= 0x1175) return VOWELS[cp - 0x1161]!;
  if (cp >= 0x11a8 && cp <= 0x11c2) return FINALS[cp - 0x11a8 + 1]!;
  return String.fromCodePoint(cp);
}

function foldChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x30a1 && cp <= 0x30f6) ch = String.fromCodePoint(cp - 0x60); // katakana -> hiragana
  const small = SMALL_KANA.indexOf(ch);
  if (small >= 0) return LARGE_KANA[small]!;
  if (ch === 'ß') return 'ss';
  if (cp > 0x7f && LETTER.test(ch) && !/[\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Han}]/u.test(ch)) {
    // Accents off Latin letters, then look-alikes (Cyrillic, Greek, mathematical letters) to Latin.
    const bare = LATIN.test(ch) ? ch.normalize('NFD').replace(/\p{M}/gu, '') : ch;
    return unconfuse(bare).toLowerCase();
  }
  return ch;
}

/** One grapheme folded on its own: its folded characters, each with whether it separates words. */
type FoldedGrapheme = readonly { readonly ch: string; readonly sep: boolean }[];

const PICTOGRAPH_FOLDED: FoldedGrapheme = [{ ch: ' ', sep: true }];

function foldGrapheme(segment: string): FoldedGrapheme {
  if (PICTOGRAPH.test(segment)) return PICTOGRAPH_FOLDED;
  const out: { ch: string; sep: boolean }[] = [];
  for (const c of segment.normalize('NFKC').toLowerCase()) {
    if (DROP.test(c) || LONG_VOWEL.has(c)) continue;
    // Leet symbols (@ $ ! |) are separators here, unless the leet pass takes them into a word.
    for (const j of toJamo(c.codePointAt(0)!)) {
      for (const f of foldChar(j)) out.push({ ch: f, sep: SEPARATOR.test(f) });
    }
  }
  return out;
}

/**
 * Folded graphemes remembered: folding one (NFKC, case, jamo, kana, look-alikes) was most of a filter check
 * (a CPU profile: `units` and `foldChar` 30 % of it), is the same for every occurrence, and chat repeats a
 * small alphabet. Bounded and least-recently-used, so text of ever new graphemes costs what it did without; a
 * grapheme longer than any emoji sequence (a letter under a pile of combining marks) is folded each time, so the
 * memo holds at most 4 096 short keys whatever is sent.
 */
const FOLDED_GRAPHEMES_MAX = 4096;
const REMEMBERED_GRAPHEME_MAX_LENGTH = 32;
const foldedGraphemes = boundedLru<string, FoldedGrapheme>(FOLDED_GRAPHEMES_MAX);

function foldedGrapheme(segment: string): FoldedGrapheme {
  if (segment.length > REMEMBERED_GRAPHEME_MAX_LENGTH) return foldGrapheme(segment);
  let folded = foldedGraphemes.get(segment);
  if (folded === undefined) {
    folded = foldGrapheme(segment);
    foldedGraphemes.set(segment, folded);
  }
  return folded;
}

/** The original text as units: folded characters, each with its source range. */
function units(text: string): Unit[] {
  const out: Unit[] = [];
  for (const { segment, index } of graphemes(text)) {
    const end = index + segment.length;
    // Fresh units: the leet pass below changes them in place.
    for (const f of foldedGrapheme(segment)) out.push({ ch: f.ch, start: index, end, sep: f.sep });
  }
  leet(out);
  return out;
}

const isLatin = (u: Unit | undefined) => u !== undefined && !u.sep && /[a-z]/.test(u.ch);

/** Digits and symbols standing for letters, inside words that have a Latin letter: 4ss, $hit, sh!t, h3ll0. */
function leet(us: Unit[]): void {
  let i = 0;
  while (i < us.length) {
    // A word: non-separators, plus leet symbols with a Latin letter next to them (on both sides for ! and |).
    let j = i;
    const inWord = (k: number): boolean => {
      const u = us[k]!;
      if (!u.sep) return true;
      if (!(u.ch in LEET)) return false;
      const both = u.ch === '!' || u.ch === '|';
      const before = isLatin(us[k - 1]) || (k > i && !us[k - 1]!.sep);
      const after = isLatin(us[k + 1]);
      return both ? before && after : after || before;
    };
    while (j < us.length && inWord(j)) j++;
    if (j > i && us.slice(i, j).some((u) => /[a-z]/.test(u.ch))) {
      for (let k = i; k < j; k++) {
        const u = us[k]!;
        const mapped = LEET[u.ch];
        if (mapped !== undefined) {
          u.ch = mapped;
          u.sep = false;
        }
      }
    }
    i = j === i ? i + 1 : j;
  }
}

/** Puts Hangul jamo back into syllables: an initial and a vowel, and a final when no vowel follows it. */
function recompose(us: Unit[]): Unit[] {
  const out: Unit[] = [];
  for (let i = 0; i < us.length; i++) {
    const l = INITIALS.indexOf(us[i]!.ch);
    const v = us[i + 1] ? VOWELS.indexOf(us[i + 1]!.ch) : -1;
    if (l < 0 || v < 0 || us[i]!.sep) {
      out.push(us[i]!);
      continue;
    }
    let t = 0;
    let end = us[i + 1]!.end;
    const next = us[i + 2];
    if (next && next.ch !== ' ' && FINALS.indexOf(next.ch) > 0) {
      const after = us[i + 3];
      if (!after || VOWELS.indexOf(after.ch) < 0) {
        t = FINALS.indexOf(next.ch);
        end = Math.max(end, next.end);
      }
    }
    const ch = String.fromCodePoint(SYLLABLE_BASE + (l * 21 + v) * 28 + t);
    out.push({ ch, start: Math.min(us[i]!.start, us[i + 1]!.start), end, sep: false });
    i += t > 0 ? 2 : 1;
    // A stretched vowel: 씨이이발 is 씨발 (ㅇ + the same vowel, with no final of its own).
    if (t === 0) {
      while (us[i + 1]?.ch === 'ㅇ' && us[i + 2]?.ch === VOWELS[v] && !takesFinal(us, i + 3)) {
        const stretched = out[out.length - 1]!;
        stretched.end = Math.max(stretched.end, us[i + 2]!.end);
        i += 2;
      }
    }
  }
  return out;
}

/** Whether the unit at `k` would be the final of the syllable before it (a final consonant, no vowel after). */
function takesFinal(us: Unit[], k: number): boolean {
  const c = us[k];
  if (!c || FINALS.indexOf(c.ch) <= 0) return false;
  const after = us[k + 1];
  return !after || VOWELS.indexOf(after.ch) < 0;
}

function view(us: Unit[]): FoldedView {
  const text = us.map((u) => u.ch).join('');
  const from = new Int32Array(text.length);
  const to = new Int32Array(text.length);
  let k = 0;
  for (const u of us) {
    for (let n = 0; n < u.ch.length; n++, k++) {
      from[k] = u.start;
      to[k] = u.end;
    }
  }
  return { text, from, to };
}

/** Words view: separator runs become one space; runs of 2+ one-letter words join (f u c k -> fuck). */
function words(us: Unit[]): Unit[] {
  const tokens: Unit[][] = [];
  let current: Unit[] = [];
  for (const u of us) {
    if (u.sep) {
      if (current.length > 0) tokens.push(current);
      current = [];
    } else current.push(u);
  }
  if (current.length > 0) tokens.push(current);
  const joined: Unit[][] = [];
  for (let i = 0; i < tokens.length;) {
    let j = i;
    while (j < tokens.length && tokens[j]!.length === 1 && LETTER.test(tokens[j]![0]!.ch)) j++;
    if (j - i >= 2) {
      joined.push(tokens.slice(i, j).flat());
      i = j;
    } else {
      joined.push(tokens[i]!);
      i++;
    }
  }
  const out: Unit[] = [];
  joined.forEach((t, i) => {
    if (i > 0) out.push({ ch: ' ', start: t[0]!.start, end: t[0]!.start, sep: true });
    out.push(...recompose(t));
  });
  return out;
}

export function fold(text: string): Folded {
  const us = units(text);
  return { words: view(words(us)), compact: view(recompose(us.filter((u) => !u.sep))) };
}
