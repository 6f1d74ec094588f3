/** Role badges: staff and artists stand out; fans and members carry none in chat. */
import type { AuthorRole } from '@lightstick/protocol';
import { h } from '../dom.ts';

const LABELS: Partial<Record<AuthorRole, string>> = {
  artist: 'Artist',
  owner: 'Owner',
  moderator: 'Mod',
  admin: 'Admin',
  system: 'System',
  member: 'Member',
  fan: 'Fan',
};

/** Roles whose messages are highlighted (they ride the server's priority lane too). */
export const HIGHLIGHTED: ReadonlySet<string> = new Set(['artist', 'moderator', 'owner', 'admin', 'system']);

export function roleBadge(role: AuthorRole): HTMLElement {
  return h('span', { class: `badge badge--${role}`, 'data-testid': 'role-badge' }, LABELS[role] ?? role);
}

/** Moderators, artists and owners (and platform admins) may create rooms in a community. */
export function isStaff(role: string | null, admin: boolean): boolean {
  return admin || role === 'owner' || role === 'artist' || role === 'moderator';
}
