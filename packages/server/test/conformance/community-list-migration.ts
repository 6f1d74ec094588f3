/**
 * The 0009 migration on a database that already holds communities (issue 9 part 4): shared by the SQLite and
 * the PostgreSQL store tests. `oldCommunities` migrates a fresh database to 0008 and fills it; `checkSearchable`
 * looks at it after the store's own migration: old names are found in any letter case, a row inserted
 * without a key (by a process of the previous version during a rollout) is still found, and counts work.
 */
import assert from 'node:assert/strict';
import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from '../../src/storage/migrations/index.ts';
import type { SqlDialect } from '../../src/storage/schema.ts';
import type { Store } from '../../src/storage/repositories.ts';

/** More than one page of the migration's reads. */
const FILLERS = 501;

const row = (id: string, slug: string, name: string) => ({
  id,
  slug,
  name,
  description: '',
  created_by: 'u-old',
  created_at: 1000,
  fan_made: 0,
  official: 0,
});

export async function oldCommunities(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema as it was at 0008
  db: Kysely<any>,
  dialect: SqlDialect,
  migrationTableSchema?: string,
): Promise<void> {
  const upTo0008: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(migrations(dialect)).filter(([name]) => name < '0009')),
  };
  const { error } = await new Migrator({ db, provider: upTo0008, migrationTableSchema }).migrateToLatest();
  if (error) throw error;
  const rows = [
    row('c-ecole', 'ecole', 'ÉCOLE des Fans'),
    row('c-ive', 'ive', 'IVE 아이브'),
    ...Array.from({ length: FILLERS }, (_, i) => row(`c-filler-${i}`, `filler-${i}`, `Filler ${i}`)),
  ];
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('communities')
      .values(rows.slice(i, i + 200))
      .execute();
  await db
    .insertInto('memberships')
    .values(['u-1', 'u-2'].map((u) => ({ community_id: 'c-ive', user_id: u, role: 'fan', joined_at: 1 })))
    .execute();
}

/** `db` is a plain connection to the migrated database: it inserts as a process older than 0009 would. */
export async function checkSearchable(
  store: Store,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- inserts without today's Schema type
  db: Kysely<any>,
): Promise<void> {
  const find = async (search: string) =>
    (await store.communities.list({ limit: 10, search })).map((c) => c.slug);
  assert.deepEqual(await find('école'), ['ecole']);
  assert.deepEqual(await find('아이브'), ['ive']);
  assert.deepEqual(await find('FILLER 500'), ['filler-500']);
  assert.deepEqual(await find('filler 0'), ['filler-0']);
  await db
    .insertInto('communities')
    .values(row('c-rollout', 'rollout', 'Made By An OLD Process'))
    .execute();
  assert.deepEqual(await find('old process'), ['rollout']);
  const counts = await store.communities.counts(['c-ive', 'c-rollout']);
  assert.deepEqual(counts.get('c-ive'), { members: 2, live: 0 });
  assert.deepEqual(counts.get('c-rollout'), { members: 0, live: 0 });
}
