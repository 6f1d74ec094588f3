/**
 * Every process runs the migration list at start, and most find the database current. Kysely's Migrator then
 * still took its lock and read its bookkeeping tables, about 1 MB of compiled code and heap in every gateway
 * (docs/benchmarks.md, "Stop 42"). Now one read of the migration table decides: a current database costs that one
 * query; a database behind is migrated as before, and one that lists a migration this code does not know is still
 * refused by the Migrator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type MigrationProvider } from 'kysely';
import { migrateToLatest, migrations } from '../../src/storage/migrations/index.ts';

/** A throwaway SQLite database and the SQL statements run on it. */
function database(): { db: Kysely<unknown>; statements: string[] } {
  const statements: string[] = [];
  const db = new Kysely<unknown>({
    dialect: new SqliteDialect({ database: new Database(':memory:') }),
    log: (event) => void statements.push(event.query.sql),
  });
  return { db, statements };
}

test('a fresh database gets every migration; once current, a start costs one read and migrates nothing', async () => {
  const { db, statements } = database();
  try {
    assert.deepEqual(await migrateToLatest(db, 'sqlite'), Object.keys(migrations('sqlite')));
    statements.length = 0;
    assert.deepEqual(await migrateToLatest(db, 'sqlite'), []);
    assert.deepEqual(statements, ['select "name" from "kysely_migration"']);
  } finally {
    await db.destroy();
  }
});

test('a database behind is migrated: the migrations it lacks run', async () => {
  const { db } = database();
  try {
    const all = Object.keys(migrations('sqlite'));
    const last = all.at(-1)!;
    const allButLast: MigrationProvider = {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(migrations('sqlite')).filter(([name]) => name !== last)),
    };
    const { error } = await new Migrator({ db, provider: allButLast }).migrateToLatest();
    assert.equal(error, undefined);
    assert.deepEqual(await migrateToLatest(db, 'sqlite'), [last]);
    assert.deepEqual(await migrateToLatest(db, 'sqlite'), []);
  } finally {
    await db.destroy();
  }
});

test('a database that lists a migration this code does not know is refused, as the Migrator always did', async () => {
  const { db } = database();
  try {
    await migrateToLatest(db, 'sqlite');
    await sql`insert into kysely_migration (name, timestamp) values ('9999-from-a-newer-release', '2030-01-01')`.execute(
      db,
    );
    await assert.rejects(migrateToLatest(db, 'sqlite'), /9999-from-a-newer-release/);
  } finally {
    await db.destroy();
  }
});
