/** Per-community word filter settings (migration 0004): one row per community, its lists as JSON. */
import type { Kysely } from 'kysely';
import type { FilterSettings, FilterTerm } from '@lightstick/protocol';
import { guard } from './db-errors.ts';
import { insertAudit } from './audit-repo.ts';
import type { AuditRecord, FilterSettingsRecord, FiltersRepo } from './moderation-records.ts';
import type { Schema } from './schema.ts';

export class KyselyFiltersRepo implements FiltersRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  get(communityId: string): Promise<FilterSettingsRecord | undefined> {
    return guard(async () => {
      const r = await this.db
        .selectFrom('filter_settings')
        .selectAll()
        .where('community_id', '=', communityId)
        .executeTakeFirst();
      return (
        r && {
          communityId: r.community_id,
          builtin: r.builtin as FilterSettings['builtin'],
          terms: JSON.parse(r.terms) as FilterTerm[],
          allow: JSON.parse(r.allow) as string[],
          updatedAt: r.updated_at,
        }
      );
    });
  }

  /** Throws AppError('not_found') for an unknown community. */
  set(s: FilterSettingsRecord, audit: AuditRecord): Promise<void> {
    const values = {
      builtin: s.builtin,
      terms: JSON.stringify(s.terms),
      allow: JSON.stringify(s.allow),
      updated_at: s.updatedAt,
    };
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('filter_settings')
          .values({ community_id: s.communityId, ...values })
          .onConflict((oc) => oc.column('community_id').doUpdateSet(values))
          .execute();
        await insertAudit(tx, audit);
      }),
    );
  }
}
