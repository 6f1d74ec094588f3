/**
 * The role matrix: who may do what in a community. The one table every guard reads (HTTP routes and WebSocket
 * ops call the same guards), mirrored cell for cell by the table in docs/moderation.md (a unit test compares
 * them, so the documentation cannot drift from what is enforced).
 *
 * Columns are the role a person acts with in the community; platform admins act as owners everywhere and
 * more. Someone who has not joined the community has no power at all; a banned person none either, and a
 * timed-out one keeps every power except sending (guards.ts).
 */
import type { AuthorRole } from '@lightstick/protocol';

export const MATRIX_ROLES = ['fan', 'member', 'moderator', 'artist', 'owner', 'admin'] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];

type Row = readonly [fan: 0 | 1, member: 0 | 1, moderator: 0 | 1, artist: 0 | 1, owner: 0 | 1, admin: 0 | 1];

/** Each power with its cells (fan, member, moderator, artist, owner, admin) and the sentence docs show. */
export const POWERS = {
  'room.enter': { cells: [1, 1, 1, 1, 1, 1], text: 'enter public rooms and read their archive' },
  'room.enterMembers': { cells: [0, 1, 1, 1, 1, 1], text: 'enter members-only rooms' },
  'message.send': { cells: [1, 1, 1, 1, 1, 1], text: 'send messages' },
  'message.sendMembersOnly': { cells: [0, 1, 1, 1, 1, 1], text: 'send while a room is members-only' },
  'message.report': { cells: [1, 1, 1, 1, 1, 1], text: 'report a message' },
  'message.translate': { cells: [1, 1, 1, 1, 1, 1], text: 'read a message translated' },
  'mode.exempt': {
    cells: [0, 0, 1, 1, 1, 1],
    text: 'send past slow, emote-only and unique-chat modes, never delayed',
  },
  'filter.exempt': { cells: [0, 0, 1, 1, 1, 1], text: 'send without the word filter and review hook' },
  'room.create': { cells: [0, 0, 1, 1, 1, 1], text: 'create rooms' },
  'members.list': { cells: [0, 0, 1, 1, 1, 1], text: 'see the member list' },
  'mode.set': { cells: [0, 0, 1, 1, 1, 1], text: 'change room modes' },
  'message.delete': { cells: [0, 0, 1, 1, 1, 1], text: 'delete messages (of people below them)' },
  'message.viewDeleted': {
    cells: [0, 0, 1, 1, 1, 1],
    text: 'see deleted messages, who deleted them and when',
  },
  'message.pin': { cells: [0, 0, 1, 1, 1, 1], text: 'pin and unpin a message' },
  'user.timeout': { cells: [0, 0, 1, 1, 1, 1], text: 'time out people below them' },
  'user.ban': { cells: [0, 0, 1, 1, 1, 1], text: 'ban and unban people below them' },
  'reports.review': { cells: [0, 0, 1, 1, 1, 1], text: 'see and settle reports and held messages' },
  'audit.read': { cells: [0, 0, 1, 1, 1, 1], text: 'read the audit log' },
  'filter.manage': { cells: [0, 0, 1, 1, 1, 1], text: 'change the word filter' },
  'role.set': { cells: [0, 0, 0, 0, 1, 1], text: 'make fans, members, moderators and artists' },
  'role.setOwner': { cells: [0, 0, 0, 0, 0, 1], text: 'make or unmake an owner' },
} as const satisfies Record<string, { cells: Row; text: string }>;

export type Power = keyof typeof POWERS;

/** Whether `role` holds `power`. null (not a member) holds none; `system` (the server itself) holds all. */
export function can(role: AuthorRole | null, power: Power): boolean {
  if (role === null) return false;
  if (role === 'system') return true;
  return POWERS[power].cells[MATRIX_ROLES.indexOf(role)] === 1;
}

/**
 * Rank for acting on another person (delete, time out, ban): an actor acts only on people strictly below.
 * Fans and members are 0, moderators and artists 1, owners 2, admins 3: a moderator cannot ban an artist or
 * another moderator, an owner can, and only an admin acts on an owner.
 */
export function standing(role: AuthorRole | null): number {
  switch (role) {
    case null:
    case 'fan':
    case 'member':
      return 0;
    case 'moderator':
    case 'artist':
      return 1;
    case 'owner':
      return 2;
    case 'admin':
    case 'system':
      return 3;
  }
}
