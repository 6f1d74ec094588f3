/** Communities and their memberships. Creating one also creates its community room and owner membership. */
import { sql, type Kysely } from 'kysely';
import type { CommunityRole, LiveState } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { nameKey } from '../auth/name-key.ts';
import { guard } from './db-errors.ts';
import { roomValues } from './rooms-repo.ts';
import { checkQuota, holdRow } from './creation-quota.ts';
import { MAX_IDS_AMONG } from './repositories.ts';
import type {
  CommunitiesRepo,
  CommunityCounts,
  CommunityRecord,
  CreationQuota,
  MembershipRecord,
  RoomRecord,
} from './repositories.ts';
import type { CommunityRow, MembershipRow, Schema, SqlDialect } from './schema.ts';

const toCommunity = (r: CommunityRow): CommunityRecord => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  description: r.description,
  createdBy: r.created_by,
  createdAt: r.created_at,
  fanMade: Boolean(r.fan_made),
  official: Boolean(r.official),
});

const toMembership = (r: MembershipRow): MembershipRecord => ({
  communityId: r.community_id,
  userId: r.user_id,
  role: r.role as CommunityRole,
  joinedAt: r.joined_at,
});

/** The lives a community's `liveCount` counts: on air, or briefly off it while the publisher reconnects. */
const ON_AIR: readonly LiveState[] = ['live', 'reconnecting'];

/** `text` as a LIKE pattern matching it anywhere, its wildcards escaped (the same in SQLite and PostgreSQL). */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const slugTaken = (constraint: string) =>
  new AppError(
    'conflict',
    constraint.includes('slug') ? 'this community address is taken' : 'already exists',
  );

export class KyselyCommunitiesRepo implements CommunitiesRepo {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: SqlDialect = 'sqlite',
  ) {}

  create(c: CommunityRecord, room: RoomRecord, quota?: CreationQuota): Promise<void> {
    if (room.communityId !== c.id) {
      return Promise.reject(new AppError('bad_request', 'the room must belong to the new community'));
    }
    return guard(
      () =>
        this.db.transaction().execute(async (tx) => {
          if (quota) {
            await holdRow(tx, this.dialect, 'users', c.createdBy);
            const made = await tx
              .selectFrom('communities')
              .select('created_at')
              .where('created_by', '=', c.createdBy)
              .execute();
            checkQuota(
              quota,
              made.map((r) => r.created_at),
            );
          }
          await tx
            .insertInto('communities')
            .values({
              id: c.id,
              slug: c.slug,
              name: c.name,
              description: c.description,
              created_by: c.createdBy,
              created_at: c.createdAt,
              fan_made: c.fanMade ? 1 : 0,
              official: c.official ? 1 : 0,
              name_key: nameKey(c.name),
            })
            .execute();
          await tx.insertInto('rooms').values(roomValues(room)).execute();
          await tx
            .insertInto('memberships')
            .values({ community_id: c.id, user_id: c.createdBy, role: 'owner', joined_at: c.createdAt })
            .execute();
        }),
      slugTaken,
    );
  }

  byId(id: string): Promise<CommunityRecord | undefined> {
    return guard(async () => {
      const row = await this.db.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toCommunity(row);
    });
  }

  setOfficial(id: string, official: boolean): Promise<void> {
    return guard(async () => {
      const res = await this.db
        .updateTable('communities')
        .set({ official: official ? 1 : 0 })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new AppError('not_found', 'no such community');
    });
  }

  /** Ordered by slug; `after` is the slug of the last community of the previous page. */
  list(opts: { limit: number; after?: string; search?: string }): Promise<CommunityRecord[]> {
    if (!(opts.limit > 0)) return Promise.resolve([]);
    const key = nameKey(opts.search?.trim() ?? '');
    return guard(async () => {
      let q = this.db.selectFrom('communities').selectAll().orderBy('slug').limit(Math.floor(opts.limit));
      if (opts.after !== undefined) q = q.where('slug', '>', opts.after);
      if (key) {
        // Both sides are lower-case already, so LIKE compares the same way in both dialects. Rows a process
        // older than migration 0009 inserted have no key: lower(name) stands in for it.
        const pattern = containing(key);
        q = q.where((eb) =>
          eb.or([
            sql<boolean>`coalesce(${sql.ref('name_key')}, lower(${sql.ref('name')})) like ${pattern} escape '\\'`,
            sql<boolean>`${sql.ref('slug')} like ${pattern} escape '\\'`,
          ]),
        );
      }
      return (await q.execute()).map(toCommunity);
    });
  }

  /** One statement: members grouped by community, then on-air lives grouped by community, both by index. */
  counts(communityIds: readonly string[]): Promise<Map<string, CommunityCounts>> {
    const ids = [...new Set(communityIds)];
    const out = new Map(ids.map((id) => [id, { members: 0, live: 0 }]));
    if (ids.length === 0) return Promise.resolve(out);
    return guard(async () => {
      const members = this.db
        .selectFrom('memberships')
        .select((eb) => [
          'community_id',
          sql<string>`'members'`.as('what'),
          eb.fn.countAll<number | string>().as('n'),
        ])
        .where('community_id', 'in', ids)
        .groupBy('community_id');
      const lives = this.db
        .selectFrom('lives')
        .select((eb) => [
          'community_id',
          sql<string>`'live'`.as('what'),
          eb.fn.countAll<number | string>().as('n'),
        ])
        .where('community_id', 'in', ids)
        .where('state', 'in', ON_AIR)
        .groupBy('community_id');
      for (const r of await members.unionAll(lives).execute()) {
        const c = out.get(r.community_id);
        // PostgreSQL's count is a bigint, which the driver may hand over as text.
        if (c) c[r.what === 'live' ? 'live' : 'members'] = Number(r.n);
      }
      return out;
    });
  }

  membership(communityId: string, userId: string): Promise<MembershipRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('memberships')
        .selectAll()
        .where('community_id', '=', communityId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row && toMembership(row);
    });
  }

  membershipsAmong(communityId: string, userIds: readonly string[]): Promise<Map<string, MembershipRecord>> {
    return guard(async () => {
      const out = new Map<string, MembershipRecord>();
      if (userIds.length === 0) return out;
      if (userIds.length > MAX_IDS_AMONG) throw new RangeError(`at most ${MAX_IDS_AMONG} ids a read`);
      const rows = await this.db
        .selectFrom('memberships')
        .selectAll()
        .where('community_id', '=', communityId)
        .where('user_id', 'in', [...userIds])
        .execute();
      for (const row of rows) out.set(row.user_id, toMembership(row));
      return out;
    });
  }

  /** Throws AppError('not_found') for an unknown community. */
  setMembership(m: MembershipRecord): Promise<void> {
    return guard(async () => {
      await this.db
        .insertInto('memberships')
        .values({ community_id: m.communityId, user_id: m.userId, role: m.role, joined_at: m.joinedAt })
        .onConflict((oc) =>
          oc.columns(['community_id', 'user_id']).doUpdateSet({ role: m.role, joined_at: m.joinedAt }),
        )
        .execute();
    });
  }

  /** Removing an absent membership is not an error. */
  removeMembership(communityId: string, userId: string): Promise<void> {
    return guard(async () => {
      await this.db
        .deleteFrom('memberships')
        .where('community_id', '=', communityId)
        .where('user_id', '=', userId)
        .execute();
    });
  }

  /** Members ordered by userId; `after` is the last userId of the previous page (added for GET members). */
  members(
    communityId: string,
    opts: { limit: number; after?: string; nameKeyPrefix?: string },
  ): Promise<MembershipRecord[]> {
    if (!(opts.limit > 0)) return Promise.resolve([]);
    return guard(async () => {
      let q = this.db
        .selectFrom('memberships')
        .selectAll()
        .where('community_id', '=', communityId)
        .orderBy('user_id')
        .limit(Math.floor(opts.limit));
      if (opts.after !== undefined) q = q.where('user_id', '>', opts.after);
      const prefix = opts.nameKeyPrefix;
      if (prefix) {
        // LIKE with its wildcards escaped: the same prefix match in SQLite and PostgreSQL (keys are lower-case).
        const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where('user_id', 'in', (eb) =>
          eb
            .selectFrom('users')
            .select('id')
            .where(sql<boolean>`${sql.ref('name_key')} like ${pattern} escape '\\'`),
        );
      }
      return (await q.execute()).map(toMembership);
    });
  }

  /** The user's memberships, oldest first. */
  memberships(userId: string): Promise<MembershipRecord[]> {
    return guard(async () => {
      const rows = await this.db
        .selectFrom('memberships')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('joined_at')
        .orderBy('community_id')
        .execute();
      return rows.map(toMembership);
    });
  }
}
