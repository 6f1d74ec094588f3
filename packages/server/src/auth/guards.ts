/**
 * Per-action permission checks: plain functions over the principal and the facts of what it acts on, read
 * from the role matrix (powers.ts). The HTTP routes and the WebSocket ops call these same functions.
 */
import type { AuthorRole, CommunityRole } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from './principal.ts';
import { can, standing, type Power } from './powers.ts';
import type { MembershipRecord, RoomRecord, SanctionRecord, UserRecord } from '../storage/repositories.ts';

export { can, type Power } from './powers.ts';

const RANK: Record<CommunityRole, number> = { fan: 0, member: 1, moderator: 2, artist: 3, owner: 4 };

/** The role the principal acts with in a community: admins act as owners of every community. */
export function effectiveRole(
  principal: Principal,
  membership: MembershipRecord | undefined,
): AuthorRole | null {
  if (principal.admin) return 'admin';
  return membership?.role ?? null;
}

export function atLeast(role: AuthorRole | null, min: CommunityRole): boolean {
  if (role === 'admin' || role === 'system') return true;
  return role !== null && RANK[role] >= RANK[min];
}

/** Artist, staff and system messages ride the priority lane. */
export function isPriorityRole(role: AuthorRole): boolean {
  return (
    role === 'artist' || role === 'moderator' || role === 'owner' || role === 'admin' || role === 'system'
  );
}

/** The sanctions of one person in one community that hold at `now`. */
export interface ActiveSanctions {
  ban: SanctionRecord | undefined;
  timeout: SanctionRecord | undefined;
}

export function activeSanctions(records: readonly SanctionRecord[], now: number): ActiveSanctions {
  return {
    ban: records.find((s) => s.kind === 'ban'),
    timeout: records.find((s) => s.kind === 'timeout' && s.until !== null && s.until > now),
  };
}

/** A banned person may do nothing in the community (admins are never banned). */
export function ensureNotBanned(principal: Principal, sanctions: ActiveSanctions | undefined): void {
  if (!principal.admin && sanctions?.ban) {
    throw new AppError('banned', 'You are banned from this community', {
      details: { reason: sanctions.ban.reason },
    });
  }
}

/** A timed-out person reads but does not send until the timeout ends. */
export function ensureNotTimedOut(
  principal: Principal,
  sanctions: ActiveSanctions | undefined,
  now: number,
): void {
  const t = sanctions?.timeout;
  if (!principal.admin && t?.until != null && t.until > now) {
    throw new AppError('timed_out', 'You are timed out in this community', {
      retryAfterMs: t.until - now,
      details: { reason: t.reason },
    });
  }
}

/** Throws forbidden unless the principal's role in the community holds `power`; returns that role. */
export function ensureCan(
  principal: Principal,
  membership: MembershipRecord | undefined,
  power: Power,
  message: string,
): AuthorRole {
  const role = effectiveRole(principal, membership);
  if (!can(role, power)) throw new AppError('forbidden', message);
  return role as AuthorRole;
}

/** Acting on another person (delete, timeout, ban) needs a standing strictly above theirs. */
export function ensureCanActOn(actor: AuthorRole, target: AuthorRole | null, what: string): void {
  if (standing(actor) <= standing(target)) {
    throw new AppError('forbidden', `Only someone above a ${target ?? 'fan'} can ${what} them`);
  }
}

/**
 * Public rooms need community membership of any role; members-only rooms need a paid membership or staff role;
 * a banned person enters nothing.
 */
export function ensureCanJoin(
  principal: Principal,
  room: RoomRecord,
  membership: MembershipRecord | undefined,
  sanctions?: ActiveSanctions,
): AuthorRole {
  ensureNotBanned(principal, sanctions);
  const role = effectiveRole(principal, membership);
  if (!can(role, 'room.enter'))
    throw new AppError('forbidden', 'Join the community before entering its rooms');
  if (room.access === 'members' && !can(role, 'room.enterMembers')) {
    throw new AppError('forbidden', 'This room is for members only');
  }
  return role as AuthorRole;
}

/** Sending needs the same right as joining; moderation rules (timeouts, modes, filters) come on top of this. */
export const ensureCanSend = ensureCanJoin;

export function ensureCanCreateRoom(principal: Principal, membership: MembershipRecord | undefined): void {
  ensureCan(principal, membership, 'room.create', 'Only moderators, artists and owners create rooms');
}

/** Owners and admins change roles; only an admin makes or unmakes an owner. */
export function ensureCanSetRole(
  principal: Principal,
  actorMembership: MembershipRecord | undefined,
  target: MembershipRecord | undefined,
  newRole: CommunityRole,
): void {
  const actor = ensureCan(principal, actorMembership, 'role.set', 'Only the owner or an admin changes roles');
  if ((newRole === 'owner' || target?.role === 'owner') && !can(actor, 'role.setOwner')) {
    throw new AppError('forbidden', 'Only an admin makes or unmakes an owner');
  }
}

export function ensureAdmin(principal: Principal): void {
  if (!principal.admin) throw new AppError('forbidden', 'Admins only');
}

/**
 * Creating a community: accounts an admin made creators (and admins) create official-track communities;
 * anyone else only when the platform allows fan-made communities, and those are labelled fan-made.
 * Returns whether the new community is fan-made.
 */
export function ensureCanCreateCommunity(
  principal: Principal,
  user: Pick<UserRecord, 'creator'> | undefined,
  fanCommunitiesAllowed: boolean,
): { fanMade: boolean } {
  if (principal.admin || user?.creator === true) return { fanMade: false };
  if (fanCommunitiesAllowed) return { fanMade: true };
  throw new AppError(
    'forbidden',
    'Creating a community needs the creator permission a platform admin grants',
  );
}
