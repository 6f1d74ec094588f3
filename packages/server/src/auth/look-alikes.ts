/**
 * Look-alike names (issue 8): Unicode confusable skeletons (UTS #39 section 4), so that 'аdmin' (Cyrillic а),
 * 'ADMİN' or 'M0derator' cannot pose as staff, and 'lU' cannot pose as an existing 'IU'.
 *
 * The confusables data is Unicode's own table (confusables.txt, 13.0) as the `unhomoglyph` package ships it
 * (what Matrix clients use to tell display names apart); `confusables`, already used by the word filter, is
 * a hand-picked English table for profanity, not Unicode's. Only the loop around the table is written here:
 * the UTS #39 skeleton is case-sensitive (`I` -> `l` but `i` stays `i`), and names are compared ignoring case,
 * so mapping and lower-casing repeat until nothing changes (`M0derator` -> `MOderator` -> `moderator` ->
 * `rnoderator`, the same key as `moderator`).
 */
import unhomoglyph from 'unhomoglyph';

/** Each round maps then lower-cases; the data needs at most three rounds, the cap only bounds odd input. */
const MAX_ROUNDS = 4;
const MARKS = /\p{M}/gu;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;

function fold(name: string, loose: boolean): string {
  let s = name.normalize('NFKC');
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let next = unhomoglyph(s.normalize('NFD')).toLowerCase().normalize('NFD');
    if (loose) next = next.replace(MARKS, '').replace(NOT_LETTER_OR_DIGIT, '');
    if (next === s) break;
    s = next;
  }
  return s;
}

/**
 * The key under which two usernames count as the same name (a unique column): NFKC, then the confusable
 * skeleton of the name as typed, case folded. Accents and kana voicing marks are kept, so 'José' and 'Jose',
 * or 'がく' and 'かく', stay two names; a change here needs a migration that recomputes the stored keys.
 */
export function nameSkeleton(name: string): string {
  return fold(name, false);
}

/**
 * Staff and platform names nobody else may take or imitate, as username or display name. Korean and Japanese
 * words for admin, operator and staff count: the platform's fans read them as staff.
 */
const STAFF_WORDS = [
  'admin',
  'administrator',
  'root',
  'system',
  'sysop',
  'lightstick',
  'moderator',
  'mod',
  'staff',
  'support',
  'official',
  'operator',
  'security',
  'help',
  '관리자',
  '운영자',
  '운영진',
  '운영팀',
  '공식',
  '管理者',
  '管理人',
  '運営',
  'スタッフ',
  '公式',
];
/** 'Lightstick Staff', 'official_lightstick'... */
const WITH_PLATFORM = ['admin', 'staff', 'support', 'official', 'team', 'mod', 'moderator', 'help'];

const capitalised = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/**
 * Loose keys of every reserved name in lower, upper and capitalised case: the skeleton is case-sensitive, and
 * 'ADM1N' imitates 'ADMIN' (1 and I both map to l), not 'admin'.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(
  [...STAFF_WORDS, ...WITH_PLATFORM.flatMap((w) => [`lightstick${w}`, `${w}lightstick`])].flatMap((w) =>
    [w, w.toUpperCase(), capitalised(w)].map((v) => fold(v, true)),
  ),
);

/**
 * True when `name` reads as a staff or platform name: its loose key (skeleton without accents, spaces,
 * punctuation, symbols or emoji) equals one of a reserved name's. Equality only: 'badminton' and 'mina_mod'
 * stay allowed.
 */
export function looksReserved(name: string): boolean {
  return RESERVED_KEYS.has(fold(name, true)) || RESERVED_KEYS.has(fold(name.toLowerCase(), true));
}
