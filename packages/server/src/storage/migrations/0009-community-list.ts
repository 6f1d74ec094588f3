/**
 * The community list shows counts and can be searched (issue 9 part 4).
 * - `lives (community_id, state)`: the list counts each community's lives on air in one grouped query; this
 *   index holds exactly the rows it counts (the older `lives_community` index would walk every past live too).
 *   Member counts already have the memberships primary key (community_id, user_id).
 * - `communities.name_key`: the lower-cased NFKC form of the name, so a search matches names in any letter
 *   case the same way in SQLite (whose lower() folds ASCII only) and PostgreSQL. Existing communities get
 *   theirs here. Additive: a process of the previous version keeps inserting rows without it during a rollout,
 *   and the search falls back to lower(name) for those.
 */
import type { Kysely, Migration } from 'kysely';

const PAGE = 500;

/** As auth/validation.ts `nameKey` computes it; kept here so this migration never changes. */
function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}

export function communityList(): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('lives_community_state')
        .on('lives')
        .columns(['community_id', 'state'])
        .execute();
      await db.schema.alterTable('communities').addColumn('name_key', 'text').execute();
      let after: string | undefined;
      for (;;) {
        const rows = (await db
          .selectFrom('communities')
          .select(['id', 'name'])
          .$if(after !== undefined, (q) => q.where('id', '>', after!))
          .orderBy('id')
          .limit(PAGE)
          .execute()) as { id: string; name: string }[];
        for (const r of rows) {
          await db
            .updateTable('communities')
            .set({ name_key: nameKey(r.name) })
            .where('id', '=', r.id)
            .execute();
        }
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.id;
      }
    },
  };
}
