/** Bans and timeouts per community (migration 0004). A timeout is over once `until` passes; the row stays. */
import type { Kysely } from 'kysely';
import type { SanctionKind } from '@lightstick/protocol';
import { guard } from './db-errors.ts';
import { insertAudit } from './audit-repo.ts';
import { MAX_IDS_AMONG } from './repositories.ts';
import type { AuditRecord, SanctionRecord, SanctionsRepo } from './moderation-records.ts';
import type { SanctionRow, Schema } from './schema.ts';

const toSanction = (r: SanctionRow): SanctionRecord => ({
  communityId: r.community_id,
  userId: r.user_id,
  kind: r.kind as SanctionKind,
  until: r.until,
  reason: r.reason,
  by: { id: r.by_id, name: r.by_name },
  at: r.at,
});

export class KyselySanctionsRepo implements SanctionsRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  of(communityId: string, userId: string): Promise<SanctionRecord[]> {
    return guard(async () => {
      const rows = await this.db
        .selectFrom('sanctions')
        .selectAll()
        .where('community_id', '=', communityId)
        .where('user_id', '=', userId)
        .orderBy('kind')
        .execute();
      return rows.map(toSanction);
    });
  }

  among(communityId: string, userIds: readonly string[]): Promise<Map<string, SanctionRecord[]>> {
    return guard(async () => {
      const out = new Map<string, SanctionRecord[]>();
      if (userIds.length === 0) return out;
      if (userIds.length > MAX_IDS_AMONG) throw new RangeError(`at most ${MAX_IDS_AMONG} ids a read`);
      const rows = await this.db
        .selectFrom('sanctions')
        .selectAll()
        .where('community_id', '=', communityId)
        .where('user_id', 'in', [...userIds])
        .orderBy('user_id')
        .orderBy('kind')
        .execute();
      for (const row of rows) {
        const list = out.get(row.user_id);
        if (list === undefined) out.set(row.user_id, [toSanction(row)]);
        else list.push(toSanction(row));
      }
      return out;
    });
  }

  /** Throws AppError('not_found') for an unknown community. */
  set(s: SanctionRecord, audit: AuditRecord): Promise<void> {
    const values = { until: s.until, reason: s.reason, by_id: s.by.id, by_name: s.by.name, at: s.at };
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('sanctions')
          .values({ community_id: s.communityId, user_id: s.userId, kind: s.kind, ...values })
          .onConflict((oc) => oc.columns(['community_id', 'user_id', 'kind']).doUpdateSet(values))
          .execute();
        await insertAudit(tx, audit);
      }),
    );
  }

  lift(communityId: string, userId: string, kind: SanctionKind, audit: AuditRecord): Promise<boolean> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        const res = await tx
          .deleteFrom('sanctions')
          .where('community_id', '=', communityId)
          .where('user_id', '=', userId)
          .where('kind', '=', kind)
          .executeTakeFirst();
        if (Number(res.numDeletedRows) === 0) return false;
        await insertAudit(tx, audit);
        return true;
      }),
    );
  }

  list(
    communityId: string,
    opts: { kind?: SanctionKind; now: number; limit: number; after?: string },
  ): Promise<SanctionRecord[]> {
    if (!(opts.limit > 0)) return Promise.resolve([]);
    return guard(async () => {
      let q = this.db
        .selectFrom('sanctions')
        .selectAll()
        .where('community_id', '=', communityId)
        .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', opts.now)]));
      if (opts.kind !== undefined) q = q.where('kind', '=', opts.kind);
      if (opts.after !== undefined) q = q.where('user_id', '>', opts.after);
      const rows = await q.orderBy('user_id').orderBy('kind').limit(Math.floor(opts.limit)).execute();
      return rows.map(toSanction);
    });
  }
}
