/**
 * The store conformance suite on a real PostgreSQL (LIGHTSTICK_TEST_PG_URL, default the local `test`
 * database). Every store gets its own schema, dropped after. Fails, never skips, when PostgreSQL is absent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgresStore } from '../../../src/storage/postgres.ts';
import { storeConformance } from '../../conformance/store.suite.ts';
import { sealedChannelsConformance } from '../../conformance/sealed-channels.suite.ts';
import { KeyVault } from '../../../src/auth/key-vault.ts';
import type { SecretSealer } from '../../../src/storage/secret-sealer.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { draft, rejectsWith, seedRoom } from '../../conformance/store.fixtures.ts';
import { checkMigrated, oldDatabase } from '../../conformance/name-skeleton-migration.ts';
import { checkSearchable, oldCommunities } from '../../conformance/community-list-migration.ts';
import { Kysely } from 'kysely';
import { SchemaScopedPostgresDialect } from '../../../src/storage/schema-scoped-dialect.ts';
import { PG_URL as url, dropSchema } from '../../support/archive-resources.ts';

let n = 0;
const schemaName = () => `t_store_${process.pid}_${++n}_${Math.random().toString(36).slice(2, 8)}`;

async function open(poolSize = 4, sealer: SecretSealer = new KeyVault(randomBytes(32))) {
  const schema = schemaName();
  const store = await openPostgresStore(url, { schema, poolSize, sealer });
  return {
    schema,
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

describe('PostgreSQL store', () => {
  storeConformance(() => open());

  sealedChannelsConformance(async (vault) => {
    const { schema, store, cleanup } = await open(2, vault);
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    client.on('error', () => {});
    await client.connect();
    return {
      store,
      raw: {
        row: async (id) =>
          (await client.query('select * from local_channels where id = $1', [id])).rows[0] as
            Record<string, unknown> | undefined,
        insertClear: async (c) => {
          await client.query(
            'insert into local_channels (id, stream_key, secret, created_at) values ($1, $2, $3, $4)',
            [c.id, c.streamKey, c.secret, c.createdAt],
          );
        },
      },
      cleanup: async () => {
        await client.end();
        await cleanup();
      },
    };
  });

  test('stores live in their own schema and do not see each other', async () => {
    const a = await open();
    const b = await open();
    try {
      const r = await seedRoom(a.store);
      await a.store.messages.appendBatch([draft(r.id)]);
      assert.equal(await b.store.rooms.byId(r.id), undefined);
      assert.equal(await b.store.messages.count(r.id), 0);
      assert.equal(await a.store.messages.count(r.id), 1);
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });

  test('reopening a migrated schema keeps its data and migrates nothing again', async () => {
    const schema = schemaName();
    const first = await openPostgresStore(url, { schema });
    try {
      const r = await seedRoom(first);
      await first.messages.appendBatch([draft(r.id, { cid: 'keep' })]);
      await first.close();
      const again = await openPostgresStore(url, { schema });
      try {
        assert.equal((await again.messages.byClientId(r.id, 'u-fan', 'keep'))?.pos.offset, 1);
      } finally {
        await again.close();
      }
    } finally {
      await first.close();
      await dropSchema(schema);
    }
  });

  test('existing accounts get their name skeletons at migration, the older look-alike keeping it', async () => {
    const schema = schemaName();
    const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    pool.on('error', () => {}); // a lost idle connection fails the next query instead of the process
    const db = new Kysely({ dialect: new SchemaScopedPostgresDialect({ pool }) });
    try {
      try {
        await db.schema.createSchema(schema).execute();
        await oldDatabase(db, 'postgres', schema);
      } finally {
        await db.destroy();
      }
      const store = await openPostgresStore(url, { schema });
      try {
        await checkMigrated(store);
      } finally {
        await store.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });

  test('existing communities get their search keys at migration, and stay counted', async () => {
    const schema = schemaName();
    const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    pool.on('error', () => {}); // a lost idle connection fails the next query instead of the process
    const db = new Kysely({ dialect: new SchemaScopedPostgresDialect({ pool }) });
    try {
      await db.schema.createSchema(schema).execute();
      await oldCommunities(db, 'postgres', schema);
      const store = await openPostgresStore(url, { schema });
      try {
        await checkSearchable(store, db);
      } finally {
        await store.close();
      }
    } finally {
      await db.destroy();
      await dropSchema(schema);
    }
  });

  test('an unreachable server is unavailable, a bad schema name a bad request', async () => {
    await rejectsWith(
      openPostgresStore('postgres://postgres@127.0.0.1:1/test', { connectTimeoutMs: 2000 }),
      'unavailable',
    );
    await rejectsWith(
      openPostgresStore('postgres://postgres@127.0.0.1:1/test', { schema: 'x"; drop schema public; --' }),
      'bad_request',
    );
  });
});
