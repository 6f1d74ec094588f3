/**
 * The store conformance suite on a real PostgreSQL (LIGHTSTICK_TEST_PG_URL, default the local `test`
 * database). Every store gets its own schema, dropped after. Fails, never skips, when PostgreSQL is absent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { openPostgresStore } from '../../src/storage/postgres.ts';
import { storeConformance } from './store.suite.ts';
import { draft, rejectsWith, seedRoom } from './store.fixtures.ts';

const url = process.env.LIGHTSTICK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let n = 0;
const schemaName = () => `t_store_${process.pid}_${++n}_${Math.random().toString(36).slice(2, 8)}`;

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

async function open(poolSize = 4) {
  const schema = schemaName();
  const store = await openPostgresStore(url, { schema, poolSize });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

describe('PostgreSQL store', () => {
  storeConformance(() => open());

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
