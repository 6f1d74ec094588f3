/**
 * An account as the API shows it. Its own module, apart from the sign-in service that mostly returns it, so the
 * platform's moderation (built in every process) can show accounts without loading sign-up's name and password
 * rules (issue 6, part 6: a gateway's idle memory).
 */
import type { UserView } from '@lightstick/protocol';
import type { UserRecord } from '../storage/repositories.ts';

export function toUserView(u: UserRecord): UserView {
  return {
    id: u.id,
    name: u.name,
    displayName: u.displayName,
    admin: u.admin,
    creator: u.creator,
    createdAt: new Date(u.createdAt).toISOString(),
  };
}
