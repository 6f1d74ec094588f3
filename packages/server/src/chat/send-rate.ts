/**
 * Which send buckets a message takes, by the sender's role in the room: fans and members have a per-(user,
 * room) bucket and share the room's ceiling; moderators have a larger bucket of their own; artists, owners,
 * admins and system messages none by default, so the priority lane is never held back. The numbers come from
 * Config (LIGHTSTICK_SEND_RATE_*); the broker takes the buckets in the same call that stores the message.
 *
 * Staff rates are platform trust (issue 8: a new account made a community and, as its owner, stored 108
 * maximum-size messages a second). They apply to platform admins, and to staff roles in communities the
 * platform vouches for: not fan-made, i.e. made by an admin or by an account an admin gave the creator flag,
 * where every staff role was handed out by that owner or by an admin. In a fan-made community (any account may
 * make one and then hands out its roles itself) the owner, artists and moderators send at the fan rate and
 * share the room's ceiling; their role, badge and priority lane stay.
 */
import type { AuthorRole } from '@lightstick/protocol';
import type { SendRate } from '../broker/broker.ts';
import type { Config } from '../config/config.ts';

export function sendRateFor(role: AuthorRole, rules: Config['sendRate']): SendRate {
  const user =
    role === 'fan' || role === 'member' ? rules.fan : role === 'moderator' ? rules.moderator : rules.artist;
  const ceiling = role === 'fan' || role === 'member' ? rules.room : null;
  return { ...(user ? { user } : {}), ...(ceiling ? { room: ceiling } : {}) };
}

/** Whether `role` has a staff rate to lose: owners, artists and moderators (admins and the system keep theirs). */
export const isCommunityStaff = (role: AuthorRole): boolean =>
  role === 'owner' || role === 'artist' || role === 'moderator';

/** The role whose buckets a send takes: a community staff role only where the platform vouches for it. */
export function rateRole(role: AuthorRole, community: { fanMade: boolean } | undefined): AuthorRole {
  if (!isCommunityStaff(role)) return role;
  return community !== undefined && !community.fanMade ? role : 'fan';
}
