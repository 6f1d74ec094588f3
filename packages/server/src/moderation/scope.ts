/**
 * Loads what a moderation call acts in (a room or a community), who the caller is there (role, sanctions) and
 * checks the power it needs: the one path every moderation service method starts with.
 */
import { graphemeLength, type AuthorRole } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import {
  activeSanctions,
  effectiveRole,
  ensureCan,
  ensureNotBanned,
  type ActiveSanctions,
  type Power,
} from '../auth/guards.ts';
import type { Runtime } from '../runtime.ts';
import type { CommunityRecord, MembershipRecord, RoomRecord, Store } from '../storage/repositories.ts';

export interface CommunityScope {
  communityId: string;
  membership: MembershipRecord | undefined;
  /** The caller's role (admin for platform admins), null when not a member. */
  role: AuthorRole | null;
  sanctions: ActiveSanctions;
}

export interface RoomScope extends CommunityScope {
  room: RoomRecord;
}

export type ScopeStore = Pick<Store, 'rooms' | 'communities' | 'sanctions' | 'users'>;

export class Scopes {
  constructor(
    private readonly store: ScopeStore,
    private readonly runtime: Runtime,
  ) {}

  async room(p: Principal, roomId: string): Promise<RoomScope> {
    const room = await this.store.rooms.byId(roomId);
    if (room === undefined) throw new AppError('not_found', 'No such room');
    return { room, ...(await this.caller(p, room.communityId)) };
  }

  async community(
    p: Principal,
    communityId: string,
  ): Promise<CommunityScope & { community: CommunityRecord }> {
    const community = await this.store.communities.byId(communityId);
    if (community === undefined) throw new AppError('not_found', 'No such community');
    return { community, ...(await this.caller(p, communityId)) };
  }

  /** Throws banned or forbidden unless the caller holds `power` in the scope; returns the caller's role. */
  require(p: Principal, scope: CommunityScope, power: Power, message: string): AuthorRole {
    ensureNotBanned(p, scope.sanctions);
    return ensureCan(p, scope.membership, power, message);
  }

  /** The role a person holds in a community for standing checks: admin for admins, null for non-members. */
  async roleOf(communityId: string, userId: string): Promise<{ role: AuthorRole | null; exists: boolean }> {
    const [user, m] = await Promise.all([
      this.store.users.byId(userId),
      this.store.communities.membership(communityId, userId),
    ]);
    if (user === undefined) return { role: null, exists: false };
    return { role: user.admin ? 'admin' : (m?.role ?? null), exists: true };
  }

  private async caller(p: Principal, communityId: string): Promise<CommunityScope> {
    const [membership, records] = await Promise.all([
      this.store.communities.membership(communityId, p.userId),
      p.admin ? [] : this.store.sanctions.of(communityId, p.userId),
    ]);
    return {
      communityId,
      membership,
      role: effectiveRole(p, membership),
      sanctions: activeSanctions(records, this.runtime.now()),
    };
  }
}

// Control characters other than line breaks, and bidi overrides (they reorder other people's screens).
const CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069](?<![\n\t])/u;

/** A free-text reason or note: NFC, trimmed, at most `max` characters a person sees; empty allowed unless `required`. */
export function validateReason(raw: unknown, field: string, max: number, required = false): string {
  if (raw === undefined || raw === null) raw = '';
  if (typeof raw !== 'string') throw invalid(field, `${field} must be text`);
  if (CONTROL.test(raw)) throw invalid(field, `${field} may not contain control characters`);
  const text = raw.normalize('NFC').trim();
  if (required && text.length === 0) throw invalid(field, `${field} is required`);
  if (graphemeLength(text) > max) throw invalid(field, `${field} must be at most ${max} characters`);
  return text;
}

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { details: { field } });
