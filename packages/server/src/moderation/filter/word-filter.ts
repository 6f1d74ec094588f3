/**
 * A compiled word filter: terms and allowed words, folded the way chat text is (fold.ts), turned into one regular
 * expression per view. Each letter of a term matches a run of that letter at least as long as in the term, so
 * "fuck" catches "fuuuck" while "ass" never matches "as". A match lying inside an allowed word (시발점, a term
 * inside a longer innocent word) does not count. Checking a message is two regex scans whatever the list size.
 */
import { graphemes, type FilterAction, type FilterMatch } from '@lightstick/protocol';
import { fold, type FoldedView } from './fold.ts';

export interface FilterEntry {
  term: string;
  action: FilterAction;
  match?: FilterMatch;
}

export interface FilterHit {
  term: string;
  action: FilterAction;
  /** Range of the original text, UTF-16 indices, end exclusive. */
  start: number;
  end: number;
}

export interface FilterVerdict {
  /** The most severe action of the hits (block > hold > mask), or allow. */
  action: FilterAction | 'allow';
  hits: FilterHit[];
  /** The text with every hit masked (graphemes replaced by `*`, spaces kept). */
  masked: string;
}

const CJK = /[\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const SEVERITY: Record<FilterAction | 'allow', number> = { allow: 0, mask: 1, hold: 2, block: 3 };
const BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}])';
const BOUNDARY_AFTER = '(?![\\p{L}\\p{N}])';

/** Words in Korean, Japanese or Chinese script match anywhere (no spaces between words there); others whole. */
export const defaultMatch = (term: string): FilterMatch => (CJK.test(term) ? 'anywhere' : 'word');

// Only syntax characters may be escaped under the `u` flag.
const escape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** A folded term as a pattern: each run of one letter matches that letter at least as many times. */
function pattern(folded: string): string {
  let out = '';
  const chars = [...folded];
  for (let i = 0; i < chars.length;) {
    let j = i;
    while (j < chars.length && chars[j] === chars[i]) j++;
    const n = j - i;
    out += escape(chars[i]!) + (chars[i] === ' ' ? '' : n === 1 ? '+' : `{${n},}`);
    i = j;
  }
  return out;
}

interface Compiled {
  regex: RegExp | undefined;
  entries: FilterEntry[];
}

function compileView(entries: FilterEntry[], view: 'words' | 'compact'): Compiled {
  const kept: FilterEntry[] = [];
  const parts: string[] = [];
  for (const e of entries) {
    const match = e.match ?? defaultMatch(e.term);
    if ((view === 'compact') !== (match === 'anywhere')) continue;
    const folded = view === 'compact' ? fold(e.term).compact.text : fold(e.term).words.text;
    if (folded.trim() === '') continue;
    const p = pattern(folded);
    kept.push(e);
    parts.push(match === 'word' ? `(${BOUNDARY_BEFORE}${p}${BOUNDARY_AFTER})` : `(${p})`);
  }
  return { regex: parts.length ? new RegExp(parts.join('|'), 'gu') : undefined, entries: kept };
}

function allowRegex(words: string[], view: 'words' | 'compact'): RegExp | undefined {
  const parts = words
    .map((w) => (view === 'compact' ? fold(w).compact.text : fold(w).words.text))
    .filter((f) => f.trim() !== '')
    .map(pattern);
  return parts.length ? new RegExp(parts.join('|'), 'gu') : undefined;
}

function* scan(regex: RegExp | undefined, text: string): Generator<RegExpExecArray> {
  if (regex === undefined) return;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    if (m[0].length === 0) regex.lastIndex++;
    yield m;
  }
}

export class WordFilter {
  private readonly views: Record<'words' | 'compact', { terms: Compiled; allow: RegExp | undefined }>;

  constructor(entries: FilterEntry[], allow: string[] = []) {
    this.views = {
      words: { terms: compileView(entries, 'words'), allow: allowRegex(allow, 'words') },
      compact: { terms: compileView(entries, 'compact'), allow: allowRegex(allow, 'compact') },
    };
  }

  check(text: string): FilterVerdict {
    const folded = fold(text);
    const hits: FilterHit[] = [];
    for (const name of ['words', 'compact'] as const)
      hits.push(...this.scanView(folded[name], this.views[name]));
    let action: FilterVerdict['action'] = 'allow';
    for (const h of hits) if (SEVERITY[h.action] > SEVERITY[action]) action = h.action;
    return { action, hits, masked: hits.length ? mask(text, hits) : text };
  }

  private scanView(v: FoldedView, c: { terms: Compiled; allow: RegExp | undefined }): FilterHit[] {
    const allowed: [number, number][] = [];
    for (const m of scan(c.allow, v.text)) allowed.push([m.index, m.index + m[0].length]);
    const out: FilterHit[] = [];
    for (const m of scan(c.terms.regex, v.text)) {
      const s = m.index;
      const e = s + m[0].length;
      if (allowed.some(([a, b]) => a <= s && e <= b)) continue;
      const group = m.findIndex((g, i) => i > 0 && g !== undefined);
      const entry = c.terms.entries[group - 1];
      if (entry === undefined || e <= s) continue;
      out.push({ term: entry.term, action: entry.action, start: v.from[s]!, end: v.to[e - 1]! });
    }
    return out;
  }
}

/** Replaces every grapheme a hit covers with `*`, keeping whitespace so the message keeps its shape. */
function mask(text: string, hits: FilterHit[]): string {
  let out = '';
  for (const { segment, index } of graphemes(text)) {
    const end = index + segment.length;
    const covered = hits.some((h) => h.start < end && index < h.end);
    out += covered && !/^\s+$/u.test(segment) ? '*' : segment;
  }
  return out;
}
