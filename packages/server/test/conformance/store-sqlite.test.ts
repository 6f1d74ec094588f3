/** The store conformance suite on SQLite files in a temp folder, plus durability and migration cases. */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { openSqliteDatabase, openSqliteStore } from '../../src/storage/sqlite.ts';
import { storeConformance } from './store.suite.ts';
import { sealedChannelsConformance } from './sealed-channels.suite.ts';
import { KeyVault } from '../../src/auth/key-vault.ts';
import { randomBytes } from 'node:crypto';
import { draft, rejectsWith, seedRoom, uid } from './store.fixtures.ts';
import { checkMigrated, oldDatabase } from './name-skeleton-migration.ts';
import { checkSearchable, oldCommunities } from './community-list-migration.ts';

const dir = mkdtempSync(join(tmpdir(), 'lightstick-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dbFile = () => join(dir, uid('db'), 'lightstick.db');

describe('SQLite store', () => {
  // NORMAL keeps the suite light on fsyncs; FULL (the default) is exercised by the durability test below.
  // Secrets sealed, as a server keeps them.
  storeConformance(async () => {
    const store = await openSqliteStore(dbFile(), {
      synchronous: 'NORMAL',
      sealer: new KeyVault(randomBytes(32)),
    });
    return { store, cleanup: () => store.close() };
  });

  sealedChannelsConformance(async (vault) => {
    const file = dbFile();
    const store = await openSqliteStore(file, { synchronous: 'NORMAL', sealer: vault });
    const db = new Database(file);
    return {
      store,
      raw: {
        row: async (id) =>
          db.prepare('select * from local_channels where id = ?').get(id) as
            Record<string, unknown> | undefined,
        insertClear: async (c) => {
          db.prepare(
            'insert into local_channels (id, stream_key, secret, created_at) values (?, ?, ?, ?)',
          ).run(c.id, c.streamKey, c.secret, c.createdAt);
        },
      },
      cleanup: async () => {
        db.close();
        await store.close();
      },
    };
  });

  test('a message committed by appendBatch survives closing and reopening the file', async () => {
    const file = dbFile();
    const store = await openSqliteStore(file);
    const r = await seedRoom(store);
    const [committed] = await store.messages.appendBatch([
      draft(r.id, { cid: 'keep', text: '살아남아요 ✨' }),
    ]);
    await store.close();

    const reopened = await openSqliteStore(file);
    try {
      assert.deepEqual(await reopened.messages.byClientId(r.id, 'u-fan', 'keep'), committed!.message);
      assert.deepEqual(await reopened.messages.lastPosition(r.id), { epoch: 'e1', offset: 1 });
      const [next] = await reopened.messages.appendBatch([draft(r.id)]);
      assert.equal(next!.message.pos.offset, 2);
    } finally {
      await reopened.close();
    }
  });

  test('opens with WAL, synchronous FULL by default, a busy timeout and foreign keys on', () => {
    const database = openSqliteDatabase(dbFile());
    try {
      assert.equal(database.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(database.pragma('synchronous', { simple: true }), 2); // FULL
      assert.equal(database.pragma('busy_timeout', { simple: true }), 5000);
      assert.equal(database.pragma('foreign_keys', { simple: true }), 1);
    } finally {
      database.close();
    }
    const relaxed = openSqliteDatabase(dbFile(), { synchronous: 'NORMAL' });
    try {
      assert.equal(relaxed.pragma('synchronous', { simple: true }), 1);
    } finally {
      relaxed.close();
    }
  });

  test('a database whose tables conflict with the schema fails with a clear migration error', async () => {
    const file = dbFile();
    const s = await openSqliteStore(file);
    await s.close();
    const raw = new Database(file);
    raw.exec('DROP TABLE kysely_migration; DROP TABLE messages;');
    raw.close();
    await assert.rejects(openSqliteStore(file), /database migration "0001-init" failed: .*already exists/);
  });

  test('existing accounts get their name skeletons at migration, the older look-alike keeping it', async () => {
    const file = dbFile();
    const db = new Kysely({ dialect: new SqliteDialect({ database: openSqliteDatabase(file) }) });
    try {
      await oldDatabase(db, 'sqlite');
    } finally {
      await db.destroy();
    }
    const store = await openSqliteStore(file);
    try {
      await checkMigrated(store);
    } finally {
      await store.close();
    }
  });

  test('existing communities get their search keys at migration, and stay counted', async () => {
    const file = dbFile();
    const old = new Kysely({ dialect: new SqliteDialect({ database: openSqliteDatabase(file) }) });
    try {
      await oldCommunities(old, 'sqlite');
    } finally {
      await old.destroy();
    }
    const store = await openSqliteStore(file);
    const raw = new Kysely({ dialect: new SqliteDialect({ database: openSqliteDatabase(file) }) });
    try {
      await checkSearchable(store, raw);
    } finally {
      await raw.destroy();
      await store.close();
    }
  });

  test('refuses an unknown synchronous mode and an unopenable path', async () => {
    await rejectsWith(openSqliteStore(dbFile(), { synchronous: 'OFF' as 'FULL' }), 'bad_request');
    // A folder cannot be opened as a database file.
    await rejectsWith(openSqliteStore(dir), 'unavailable');
  });
});
