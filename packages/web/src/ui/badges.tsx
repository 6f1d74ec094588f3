/** Role badges: staff and artists stand out; fans and members carry none in chat. */
import type { AuthorRole } from '@lightstick/protocol';
import { t } from '../i18n/i18n.ts';

/** Roles whose messages are highlighted (they ride the server's priority lane too). */
export const HIGHLIGHTED: ReadonlySet<string> = new Set(['artist', 'moderator', 'owner', 'admin', 'system']);

export function RoleBadge({ role }: { role: AuthorRole }) {
  return (
    <span class={`badge badge--${role}`} data-testid="role-badge">
      {t(`role.${role}`)}
    </span>
  );
}

/** Moderators, artists and owners (and platform admins) may create rooms in a community. */
export function isStaff(role: string | null, admin: boolean): boolean {
  return admin || role === 'owner' || role === 'artist' || role === 'moderator';
}
