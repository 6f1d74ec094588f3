/**
 * Bug (CI, store-postgres conformance): opening a store failed with `database migration failed: column
 * "room_id" of relation "audit_log" does not exist` while another test file dropped its own schema. Kysely's
 * stock introspector lists the columns of every schema in the database to learn whether its bookkeeping
 * table exists; a schema dropped during that listing fails it. The store's dialect now reads only its own
 * schema (src/storage/schema-scoped-dialect.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Kysely } from 'kysely';
import { openPostgresStore } from '../../../src/storage/postgres.ts';
import { SchemaScopedPostgresDialect } from '../../../src/storage/schema-scoped-dialect.ts';
import { PG_URL, dropSchema } from '../../support/archive-resources.ts';

const schemaName = () => `t_mig_race_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

test('stores migrate while other schemas of the database are dropped', async () => {
  const ROUNDS = 24;
  // Schemas to drop during the migrations: migrated ones, so each drop removes the same tables and columns.
  const victims: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const schema = schemaName();
    await (await openPostgresStore(PG_URL, { schema, poolSize: 1 })).close();
    victims.push(schema);
  }
  const opened: string[] = [];
  let dropping = true;
  const dropper = (async () => {
    for (const schema of victims) await dropSchema(schema);
    dropping = false;
  })();
  const failures: string[] = [];
  try {
    // Keep migrating new schemas, three at a time, for as long as drops go on (and at least one round).
    do {
      const batch = [schemaName(), schemaName(), schemaName()];
      opened.push(...batch);
      const results = await Promise.allSettled(
        batch.map(async (schema) => (await openPostgresStore(PG_URL, { schema, poolSize: 2 })).close()),
      );
      for (const r of results) if (r.status === 'rejected') failures.push(String(r.reason?.message));
    } while (dropping);
  } finally {
    await dropper;
    for (const schema of opened) await dropSchema(schema);
  }
  assert.deepEqual(failures, []);
});

test("the store dialect's introspection sees its own schema's tables and no other's", async () => {
  const ours = schemaName();
  const other = schemaName();
  await (await openPostgresStore(PG_URL, { schema: ours, poolSize: 1 })).close();
  await (await openPostgresStore(PG_URL, { schema: other, poolSize: 1 })).close();
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1, options: `-c search_path=${ours}` });
  pool.on('error', () => {});
  const db = new Kysely({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  try {
    const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
    assert.ok(tables.length > 5);
    assert.deepEqual([...new Set(tables.map((t) => t.schema))], [ours]);
    assert.ok(tables.some((t) => t.name === 'kysely_migration'));
    assert.ok(!(await db.introspection.getTables()).some((t) => t.name === 'kysely_migration'));
    const audit = tables.find((t) => t.name === 'audit_log');
    const roomId = audit?.columns.find((c) => c.name === 'room_id');
    assert.deepEqual(roomId && { type: roomId.dataType, nullable: roomId.isNullable }, {
      type: 'text',
      nullable: true,
    });
    assert.deepEqual(await db.introspection.getSchemas(), [{ name: ours }]);
  } finally {
    await db.destroy();
    await dropSchema(ours);
    await dropSchema(other);
  }
});
