/**
 * Communities, memberships and rooms. Creators (a flag a platform admin grants) create communities and become
 * their owner; anyone else may when fan-made communities are allowed, and theirs are labelled fan-made. Both
 * within the creation quotas (creation-quotas.ts), which platform admins skip.
 * Joining makes a 'fan'; 'member' is the paid membership that members-only rooms ask for.
 * Permission checks are the plain guards of auth/guards.ts and the role matrix of auth/powers.ts.
 */
import type { CommunityRole, CommunityView, MessagePage, RoomView } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { Principal } from '../auth/principal.ts';
import { nameKey } from '../auth/name-key.ts';
import {
  activeSanctions,
  can,
  effectiveRole,
  ensureCanCreateCommunity,
  ensureCanCreateRoom,
  ensureCanSetRole,
  ensureNotBanned,
} from '../auth/guards.ts';
import { auditEntry } from '../moderation/audit.ts';
import type { ModerationEvents } from '../moderation/events.ts';
import { RoomAccess } from './room-access.ts';
import { communityQuota, roomQuota } from './creation-quotas.ts';
import type { CreationQuotas } from '../config/config.ts';
import type { CommunityCounts, CommunityRecord, RoomRecord, Store } from '../storage/repositories.ts';
import {
  CommunityLimits,
  validateDescription,
  validateName,
  validateRole,
  validateRoomAccess,
  validateRoomKind,
  validateSlug,
} from './community-validation.ts';
import { countsIn, toCommunityView, toMemberView, toRoomView, type MemberView } from './community-views.ts';
import { pageMessages, type PageQuery } from './community-messages.ts';

export interface CommunityServiceDeps {
  store: Store;
  runtime: Runtime;
  /** Whether accounts without the creator flag may create (fan-made) communities; default true. */
  fanCommunities?: boolean;
  /** Role changes and leaving reach live connections through these. */
  events?: ModerationEvents;
  /** Quotas on creating communities and rooms (admins exempt); none when absent. */
  quotas?: CreationQuotas;
}

export interface Paged<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

export class CommunityService {
  private readonly access: RoomAccess;

  constructor(private readonly deps: CommunityServiceDeps) {
    this.access = new RoomAccess(deps.store, deps.runtime);
  }

  async create(
    p: Principal,
    input: { slug: unknown; name: unknown; description?: unknown },
  ): Promise<CommunityView> {
    const creator = p.admin ? undefined : await this.deps.store.users.byId(p.userId);
    const { fanMade } = ensureCanCreateCommunity(p, creator, this.deps.fanCommunities ?? true);
    const now = this.deps.runtime.now();
    const community: CommunityRecord = {
      id: this.deps.runtime.id(),
      slug: validateSlug(input.slug),
      name: validateName(input.name, 'name', CommunityLimits.nameMaxChars),
      description: validateDescription(input.description),
      createdBy: p.userId,
      createdAt: now,
      fanMade,
      official: false,
    };
    const room: RoomRecord = {
      id: this.deps.runtime.id(),
      communityId: community.id,
      name: community.name,
      kind: 'community',
      access: 'public',
      epoch: this.deps.runtime.id(),
      createdAt: now,
    };
    const { quotas } = this.deps;
    await this.deps.store.communities.create(
      community,
      room,
      quotas && !p.admin ? communityQuota(quotas, now) : undefined,
    );
    // Just made: its owner is its only member and it has no live yet.
    return toCommunityView(community, 'owner', { members: 1, live: 0 });
  }

  /**
   * A page by slug, of every community or of those whose name or slug contains `q` (any letter case), each
   * with its counts: one grouped query for the whole page.
   */
  async list(
    p: Principal,
    opts: { limit: number; after?: string; q?: string },
  ): Promise<Paged<CommunityView>> {
    const { communities } = this.deps.store;
    const search = opts.q?.trim() ?? '';
    const [rows, mine] = await Promise.all([
      communities.list({
        limit: opts.limit + 1,
        ...(opts.after !== undefined ? { after: opts.after } : {}),
        ...(search ? { search } : {}),
      }),
      communities.memberships(p.userId),
    ]);
    const roles = new Map(mine.map((m) => [m.communityId, m.role]));
    const page = rows.slice(0, opts.limit);
    const counts = await communities.counts(page.map((c) => c.id));
    return {
      items: page.map((c) => toCommunityView(c, roles.get(c.id) ?? null, countsIn(counts, c.id))),
      next: rows.length > opts.limit ? (page[page.length - 1]?.slug ?? null) : null,
    };
  }

  async get(p: Principal, id: string): Promise<CommunityView> {
    const c = await this.community(id);
    const m = await this.deps.store.communities.membership(id, p.userId);
    return toCommunityView(c, m?.role ?? null, await this.countsOf(id));
  }

  /** Joining makes a fan; joining again keeps the role one has; a banned person cannot join. */
  async join(p: Principal, id: string): Promise<CommunityView> {
    const c = await this.community(id);
    if (!p.admin) {
      const records = await this.deps.store.sanctions.of(id, p.userId);
      ensureNotBanned(p, activeSanctions(records, this.deps.runtime.now()));
    }
    const existing = await this.deps.store.communities.membership(id, p.userId);
    if (existing) return toCommunityView(c, existing.role, await this.countsOf(id));
    await this.deps.store.communities.setMembership({
      communityId: id,
      userId: p.userId,
      role: 'fan',
      joinedAt: this.deps.runtime.now(),
    });
    return toCommunityView(c, 'fan', await this.countsOf(id));
  }

  /** Leaving twice is fine; the owner cannot leave (an admin must hand ownership over first). */
  async leave(p: Principal, id: string): Promise<CommunityView> {
    const c = await this.community(id);
    const existing = await this.deps.store.communities.membership(id, p.userId);
    if (existing?.role === 'owner') throw new AppError('conflict', 'The owner cannot leave the community');
    if (existing) {
      await this.deps.store.communities.removeMembership(id, p.userId);
      this.deps.events?.roleChanged(id, p.userId, null);
    }
    return toCommunityView(c, null, await this.countsOf(id));
  }

  async createRoom(
    p: Principal,
    communityId: string,
    input: { name: unknown; kind?: unknown; access?: unknown },
  ): Promise<RoomView> {
    await this.community(communityId);
    ensureCanCreateRoom(p, await this.deps.store.communities.membership(communityId, p.userId));
    const now = this.deps.runtime.now();
    const room: RoomRecord = {
      id: this.deps.runtime.id(),
      communityId,
      name: validateName(input.name, 'name', CommunityLimits.roomNameMaxChars),
      kind: validateRoomKind(input.kind),
      access: validateRoomAccess(input.access),
      epoch: this.deps.runtime.id(),
      createdAt: now,
    };
    const { quotas } = this.deps;
    await this.deps.store.rooms.create(room, quotas && !p.admin ? roomQuota(quotas, now) : undefined);
    return toRoomView(room);
  }

  /** Any signed-in user may see which rooms a community has; entering them is checked on join. */
  async listRooms(_p: Principal, communityId: string): Promise<RoomView[]> {
    await this.community(communityId);
    const rooms = await this.deps.store.rooms.listByCommunity(communityId);
    // The always-on community room first, then the rest oldest first.
    return rooms
      .slice()
      .sort(
        (a, b) =>
          Number(b.kind === 'community') - Number(a.kind === 'community') || a.createdAt - b.createdAt,
      )
      .map(toRoomView);
  }

  async getRoom(_p: Principal, roomId: string): Promise<RoomView> {
    return toRoomView(await this.room(roomId));
  }

  /**
   * Archive pages of a room, for callers allowed to join it. Deleted messages are left out for fans; those who
   * may see deletions get them marked with who deleted them and when.
   */
  async messages(p: Principal, roomId: string, q: PageQuery): Promise<MessagePage> {
    const grant = await this.access.join(p, roomId);
    const moderator = can(grant.role, 'message.viewDeleted');
    const page = await pageMessages(this.deps.store.messages, roomId, q, { hideDeleted: !moderator });
    if (!moderator || page.messages.length === 0) return page;
    const deleted = await this.deps.store.moderation.deletions(page.messages.map((m) => m.id));
    const by = new Map(deleted.map((d) => [d.messageId, { by: d.by, at: d.at }]));
    return {
      ...page,
      messages: page.messages.map((m) => (by.has(m.id) ? { ...m, deleted: by.get(m.id)! } : m)),
    };
  }

  async setRole(p: Principal, communityId: string, userId: string, rawRole: unknown): Promise<MemberView> {
    const role: CommunityRole = validateRole(rawRole);
    await this.community(communityId);
    const { communities, users } = this.deps.store;
    const [actor, target, user] = await Promise.all([
      communities.membership(communityId, p.userId),
      communities.membership(communityId, userId),
      users.byId(userId),
    ]);
    ensureCanSetRole(p, actor, target, role);
    if (!user) throw new AppError('not_found', 'No such user');
    const m = { communityId, userId, role, joinedAt: target?.joinedAt ?? this.deps.runtime.now() };
    await this.deps.store.moderation.setRole(
      m,
      auditEntry(this.deps.runtime, p, 'role.set', {
        communityId,
        targetUserId: userId,
        details: { before: target?.role ?? null, after: role },
      }),
    );
    this.deps.events?.roleChanged(communityId, userId, role);
    return toMemberView(m, user);
  }

  async listMembers(
    p: Principal,
    communityId: string,
    opts: { limit: number; after?: string; q?: string },
  ): Promise<Paged<MemberView>> {
    await this.community(communityId);
    const { communities, users } = this.deps.store;
    const mine = await communities.membership(communityId, p.userId);
    if (!can(effectiveRole(p, mine), 'members.list'))
      throw new AppError('forbidden', 'Moderators and up see the member list');
    const prefix = nameKey(opts.q?.trim() ?? '');
    const rows = await communities.members(communityId, {
      limit: opts.limit + 1,
      ...(opts.after !== undefined ? { after: opts.after } : {}),
      ...(prefix ? { nameKeyPrefix: prefix } : {}),
    });
    const page = rows.slice(0, opts.limit);
    const people = await Promise.all(page.map((m) => users.byId(m.userId)));
    return {
      items: page.map((m, i) => toMemberView(m, people[i])),
      next: rows.length > opts.limit ? (page[page.length - 1]?.userId ?? null) : null,
    };
  }

  /** The counts of one community (read after a change, so they include it). */
  private async countsOf(id: string): Promise<CommunityCounts> {
    return countsIn(await this.deps.store.communities.counts([id]), id);
  }

  private async community(id: string): Promise<CommunityRecord> {
    const c = await this.deps.store.communities.byId(id);
    if (!c) throw new AppError('not_found', 'No such community');
    return c;
  }

  private async room(id: string): Promise<RoomRecord> {
    const r = await this.deps.store.rooms.byId(id);
    if (!r) throw new AppError('not_found', 'No such room');
    return r;
  }
}

export type { MemberView } from './community-views.ts';
