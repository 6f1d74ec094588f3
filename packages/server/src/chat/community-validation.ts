/** Field rules for communities and rooms: slugs are ASCII for URLs; names take any script and emoji. */
import { graphemeLength, type CommunityRole, type RoomAccess, type RoomKind } from '@lightstick/protocol';
import { AppError } from '../errors.ts';

export const CommunityLimits = {
  slugMinChars: 2,
  slugMaxChars: 40,
  nameMaxChars: 60,
  descriptionMaxChars: 500,
  roomNameMaxChars: 60,
} as const;

const SLUG = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** Control characters and bidi overrides; descriptions may still hold line breaks. */
const CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const CONTROL_BUT_NEWLINES = /[\p{Cc}\u202A-\u202E\u2066-\u2069](?<![\n\r\t])/u;
const VISIBLE = /[^\p{Default_Ignorable_Code_Point}\p{Z}\s]/u;

function invalid(field: string, message: string): AppError {
  return new AppError('validation_failed', message, { details: { field } });
}

export function validateSlug(raw: unknown): string {
  const field = 'slug';
  if (typeof raw !== 'string') throw invalid(field, 'Slug is required');
  const { slugMinChars: min, slugMaxChars: max } = CommunityLimits;
  if (raw.length < min || raw.length > max || !SLUG.test(raw)) {
    throw invalid(
      field,
      `Slug must be ${min} to ${max} lower-case letters, digits or '-', not starting or ending with '-'`,
    );
  }
  return raw;
}

/** A one-line name: NFC, trimmed, 1..max characters a person sees, something visible in it. */
export function validateName(raw: unknown, field: string, max: number): string {
  if (typeof raw !== 'string') throw invalid(field, `${field} is required`);
  if (CONTROL.test(raw)) throw invalid(field, `${field} may not contain control characters`);
  const text = raw.normalize('NFC').trim();
  if (!VISIBLE.test(text)) throw invalid(field, `${field} is required`);
  if (graphemeLength(text) > max) throw invalid(field, `${field} must be at most ${max} characters`);
  return text;
}

/** Free text with line breaks; empty is fine. */
export function validateDescription(raw: unknown): string {
  const field = 'description';
  if (raw === undefined || raw === null) return '';
  if (typeof raw !== 'string') throw invalid(field, 'description must be text');
  if (CONTROL_BUT_NEWLINES.test(raw)) throw invalid(field, 'description may not contain control characters');
  const text = raw.normalize('NFC').trim();
  if (graphemeLength(text) > CommunityLimits.descriptionMaxChars) {
    throw invalid(field, `description must be at most ${CommunityLimits.descriptionMaxChars} characters`);
  }
  return text;
}

const ROLES: readonly CommunityRole[] = ['owner', 'artist', 'moderator', 'member', 'fan'];
const KINDS: readonly RoomKind[] = ['community', 'live'];
const ACCESS: readonly RoomAccess[] = ['public', 'members'];

export function validateRole(raw: unknown): CommunityRole {
  if (!ROLES.includes(raw as CommunityRole)) throw invalid('role', `role must be one of ${ROLES.join(', ')}`);
  return raw as CommunityRole;
}

export function validateRoomKind(raw: unknown): RoomKind {
  if (raw === undefined) return 'live';
  if (!KINDS.includes(raw as RoomKind)) throw invalid('kind', `kind must be one of ${KINDS.join(', ')}`);
  return raw as RoomKind;
}

export function validateRoomAccess(raw: unknown): RoomAccess {
  if (raw === undefined) return 'public';
  if (!ACCESS.includes(raw as RoomAccess))
    throw invalid('access', `access must be one of ${ACCESS.join(', ')}`);
  return raw as RoomAccess;
}
