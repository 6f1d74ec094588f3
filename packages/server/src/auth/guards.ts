/** Per-action permission checks: plain functions over the principal and what it acts on. */
import type { AuthorRole, CommunityRole } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from './principal.ts';
import type { MembershipRecord, RoomRecord } from '../storage/repositories.ts';

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

/** Public rooms need community membership of any role; members-only rooms need a paid membership or staff role. */
export function ensureCanJoin(
  principal: Principal,
  room: RoomRecord,
  membership: MembershipRecord | undefined,
): AuthorRole {
  const role = effectiveRole(principal, membership);
  if (role === null) throw new AppError('forbidden', 'Join the community before entering its rooms');
  if (room.access === 'members' && !atLeast(role, 'member')) {
    throw new AppError('forbidden', 'This room is for members only');
  }
  return role;
}

/** Sending needs the same right as joining; moderation rules (bans, slow mode) come on top of this. */
export const ensureCanSend = ensureCanJoin;

export function ensureCanCreateRoom(principal: Principal, membership: MembershipRecord | undefined): void {
  if (!atLeast(effectiveRole(principal, membership), 'moderator')) {
    throw new AppError('forbidden', 'Only moderators, artists and owners create rooms');
  }
}

/** Owners and admins change roles; only an admin makes or unmakes an owner. */
export function ensureCanSetRole(
  principal: Principal,
  actorMembership: MembershipRecord | undefined,
  target: MembershipRecord | undefined,
  newRole: CommunityRole,
): void {
  const actor = effectiveRole(principal, actorMembership);
  if (actor !== 'admin' && actor !== 'owner')
    throw new AppError('forbidden', 'Only the owner or an admin changes roles');
  if (actor !== 'admin' && (newRole === 'owner' || target?.role === 'owner')) {
    throw new AppError('forbidden', 'Only an admin makes or unmakes an owner');
  }
}

export function ensureAdmin(principal: Principal): void {
  if (!principal.admin) throw new AppError('forbidden', 'Admins only');
}
