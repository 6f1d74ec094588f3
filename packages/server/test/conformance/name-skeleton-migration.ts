/**
 * The 0007 migration on a database that already holds accounts, some of which look alike (issue 8): shared by
 * the SQLite and the PostgreSQL store tests. `oldDatabase` migrates a fresh database to 0006 and fills it;
 * `checkMigrated` looks at it after the store's own migration.
 */
import assert from 'node:assert/strict';
import { Migrator, type Kysely, type MigrationProvider } from 'kysely';
import { migrations } from '../../src/storage/migrations/index.ts';
import type { SqlDialect } from '../../src/storage/schema.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { nameSkeleton } from '../../src/auth/look-alikes.ts';
import { rejectsWith, user } from './store.fixtures.ts';

/** More than one page of the migration's reads, several rows sharing one creation time. */
const FILLERS = 1201;

const OLD_USERS = [
  // A look-alike of the admin that signed up before the admin account existed: the admin still wins.
  { id: 'u-fake-admin', name: 'аdmin', admin: 0, created_at: 1000 },
  { id: 'u-admin', name: 'admin', admin: 1, created_at: 3000 },
  // The older of two look-alikes keeps the claim.
  { id: 'u-small-l', name: 'lU', admin: 0, created_at: 500 },
  { id: 'u-capital-i', name: 'IU', admin: 0, created_at: 2000 },
  { id: 'u-mina', name: 'mina', admin: 0, created_at: 1000 },
  { id: 'u-rnina', name: 'rnina', admin: 0, created_at: 1000 },
  { id: 'u-minji', name: '민지', admin: 0, created_at: 1000 },
];

export async function oldDatabase(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema as it was at 0006
  db: Kysely<any>,
  dialect: SqlDialect,
  migrationTableSchema?: string,
): Promise<void> {
  const upTo0006: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(migrations(dialect)).filter(([name]) => name < '0007')),
  };
  const { error } = await new Migrator({ db, provider: upTo0006, migrationTableSchema }).migrateToLatest();
  if (error) throw error;
  const rows = [
    ...OLD_USERS,
    ...Array.from({ length: FILLERS }, (_, i) => ({
      id: `u-filler-${i}`,
      name: `fan_${i}`,
      admin: 0,
      created_at: 5000 + Math.floor(i / 100),
    })),
  ].map((r) => ({
    ...r,
    name_key: r.name.toLowerCase(),
    display_name: r.name,
    password_hash: 'x',
    creator: 0,
  }));
  for (let i = 0; i < rows.length; i += 200)
    await db
      .insertInto('users')
      .values(rows.slice(i, i + 200))
      .execute();
}

export async function checkMigrated(store: Store): Promise<void> {
  const skeletonOf = async (id: string) => (await store.users.byId(id))?.nameSkeleton;
  assert.equal(await skeletonOf('u-admin'), nameSkeleton('admin'));
  assert.equal(await skeletonOf('u-fake-admin'), null);
  assert.equal(await skeletonOf('u-small-l'), nameSkeleton('lU'));
  assert.equal(await skeletonOf('u-capital-i'), null);
  assert.equal(await skeletonOf('u-mina'), nameSkeleton('mina'));
  assert.equal(await skeletonOf('u-rnina'), null);
  assert.equal(await skeletonOf('u-minji'), nameSkeleton('민지'));
  for (const i of [0, 499, 500, 1200])
    assert.equal(await skeletonOf(`u-filler-${i}`), nameSkeleton(`fan_${i}`));
  // Accounts that kept NULL still sign in by name; the look they share stays closed to new accounts.
  assert.equal((await store.users.byNameKey('iu'))?.id, 'u-capital-i');
  await rejectsWith(store.users.create(user({ name: 'Iu', nameKey: 'iu2' })), 'username_taken');
}
