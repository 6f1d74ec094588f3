/**
 * Look-alike usernames (issue 8): `users.name_skeleton`, the confusable skeleton of the name, unique, so a new
 * 'mіna' (Cyrillic і) is refused while 'mina' exists. Existing accounts get theirs here, admins first and then
 * by age: when two old accounts already look alike, the older keeps the claim and the younger gets NULL (it
 * keeps its name and can still sign in; nobody new can take that look either way). Additive: older processes
 * keep working against it during a rolling deploy (their sign-ups store NULL).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

const PAGE = 500;

export function nameSkeletons(_dialect: SqlDialect): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema.alterTable('users').addColumn('name_skeleton', 'text').execute();
      // Both dialects allow many NULLs under a unique index.
      await db.schema
        .createIndex('users_name_skeleton')
        .on('users')
        .column('name_skeleton')
        .unique()
        .execute();
      for (const admin of [1, 0]) await claimAll(db, admin);
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
async function claimAll(db: Kysely<any>, admin: number): Promise<void> {
  // Imported here, not at the top: every process runs the migration list at start, and Unicode's look-alike
  // table is about 1.3 MB of heap that a gateway would otherwise hold for good (issue 6, part 6).
  const { nameSkeleton } = await import('../../auth/look-alikes.ts');
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const rows: { id: string; name: string; created_at: number | string }[] = await db
      .selectFrom('users')
      .select(['id', 'name', 'created_at'])
      .where('admin', '=', admin)
      .$if(after !== undefined, (q) =>
        q.where((eb) =>
          eb.or([
            eb('created_at', '>', after!.createdAt),
            eb.and([eb('created_at', '=', after!.createdAt), eb('id', '>', after!.id)]),
          ]),
        ),
      )
      .orderBy('created_at')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const row of rows) {
      const skeleton = nameSkeleton(row.name);
      // The older look-alike (or an admin) already holds it: this account keeps NULL.
      await sql`update users set name_skeleton = ${skeleton}
        where id = ${row.id}
          and not exists (select 1 from users other where other.name_skeleton = ${skeleton})`.execute(db);
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: Number(last.created_at), id: last.id };
  }
}
