/**
 * Account field rules. Usernames are NFKC-normalised and may use letters of any script (Hangul, Kana,
 * Kanji, Latin...), digits, emoji, '_', '.', '-'; `nameKey` (name-key.ts: NFKC lower-case) makes them unique so
 * 'Mina' and 'ｍｉｎａ' cannot both exist, and `nameSkeleton` (look-alikes.ts) so 'mina' and 'mіna' (Cyrillic і)
 * cannot either. Lengths count characters a person sees (grapheme clusters).
 */
import { AccountLimits, graphemeLength, graphemes } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { looksReserved } from './look-alikes.ts';
import { confusableMix } from './mixed-scripts.ts';

/** A word grapheme: a letter, digit or allowed punctuation, optionally with a few combining marks. */
const WORD = /^[\p{L}\p{N}_.-][\p{L}\p{M}\p{N}]*$/u;
/** An emoji grapheme: pictographs, skin tones, flags, ZWJ sequences, tag sequences. */
// The class lists ZWJ and VS16 on purpose: they join the pictographs of one grapheme.
/* eslint-disable no-misleading-character-class */
const EMOJI =
  /^(?:[\p{Extended_Pictographic}\p{Regional_Indicator}][\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200D\uFE0F\u{E0020}-\u{E007F}]*|[#*0-9]\uFE0F?\u20E3)$/u;
/* eslint-enable no-misleading-character-class */
/** Invisible code points (Hangul fillers, zero-width spaces, bidi controls...) outside emoji sequences. */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}\p{Z}]/u;
const MARK = /\p{M}/gu;
/** Stacked marks past this are 'zalgo' text, not a script's need. */
const MAX_MARKS_PER_CHAR = 4;
const HAS_SUBSTANCE = /[\p{L}\p{N}\p{Extended_Pictographic}\p{Regional_Indicator}]/u;

export function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { details: { field } });
}

/** Returns the normalised username or throws validation_failed with details.field 'username'. */
export function validateUsername(raw: unknown, opts: { allowReserved?: boolean } = {}): string {
  if (typeof raw !== 'string') throw invalid('username', 'Username is required');
  const name = raw.normalize('NFKC');
  const n = graphemeLength(name);
  if (n < AccountLimits.usernameMinChars || n > AccountLimits.usernameMaxChars) {
    throw invalid(
      'username',
      `Username must be ${AccountLimits.usernameMinChars} to ${AccountLimits.usernameMaxChars} characters`,
    );
  }
  for (const { segment } of graphemes(name)) {
    if (!allowedUsernameChar(segment)) {
      throw invalid('username', 'Username may contain letters, digits, emoji, "_", "." and "-" only');
    }
  }
  if (!HAS_SUBSTANCE.test(name))
    throw invalid('username', 'Username needs at least one letter, digit or emoji');
  if (!opts.allowReserved && looksReserved(name)) throw invalid('username', 'This username is reserved');
  const mix = confusableMix(name);
  if (mix) {
    throw invalid(
      'username',
      `Username mixes writing systems whose letters look alike (${mix.join(', ')}); use one, or Latin with Hangul or Japanese`,
    );
  }
  return name;
}

function allowedUsernameChar(g: string): boolean {
  if (EMOJI.test(g)) return true;
  if (!WORD.test(g) || INVISIBLE.test(g)) return false;
  return (g.match(MARK)?.length ?? 0) <= MAX_MARKS_PER_CHAR;
}

/** Control characters, line breaks and bidi overrides, which can spoof or break layout. */
const DISPLAY_FORBIDDEN = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
const INVISIBLE_OR_SPACE = /[\p{Default_Ignorable_Code_Point}\p{Z}\s]/gu;

/**
 * Returns the trimmed display name (NFC, inner runs of spaces collapsed) or throws with field 'displayName'.
 * A name that reads as staff ('Admin', 'Аdmin', 'M0derator', 'Lightstick Staff') is only for accounts that
 * are platform admins (`allowReserved`): community moderators are staff in their own community only.
 */
export function validateDisplayName(raw: unknown, opts: { allowReserved?: boolean } = {}): string {
  if (typeof raw !== 'string') throw invalid('displayName', 'Display name must be text');
  if (DISPLAY_FORBIDDEN.test(raw))
    throw invalid('displayName', 'Display name may not contain control characters');
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name.replace(INVISIBLE_OR_SPACE, '') === '') throw invalid('displayName', 'Display name is required');
  const marks = name.match(MARK)?.length ?? 0;
  if (marks > MAX_MARKS_PER_CHAR * graphemeLength(name))
    throw invalid('displayName', 'Too many combining marks');
  if (graphemeLength(name) > AccountLimits.displayNameMaxChars) {
    throw invalid(
      'displayName',
      `Display name must be at most ${AccountLimits.displayNameMaxChars} characters`,
    );
  }
  if (!opts.allowReserved && looksReserved(name))
    throw invalid('displayName', 'This display name is reserved for staff');
  return name;
}

/** Passwords are NFKC-normalised (NIST 800-63B) so the same keys on another keyboard still match. */
export function validatePassword(raw: unknown, field = 'password'): string {
  if (typeof raw !== 'string') throw invalid(field, 'Password is required');
  const pw = raw.normalize('NFKC');
  const n = graphemeLength(pw);
  // The code-unit cap bounds work on pathological input that is short in graphemes.
  if (n < AccountLimits.passwordMinChars || n > AccountLimits.passwordMaxChars || pw.length > 1024) {
    throw invalid(
      field,
      `Password must be ${AccountLimits.passwordMinChars} to ${AccountLimits.passwordMaxChars} characters`,
    );
  }
  return pw;
}

/** Login takes the same normalisation without the length rules (an old password might predate them). */
export function normalizeLoginPassword(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 1024)
    throw invalid('password', 'Password is required');
  return raw.normalize('NFKC');
}
