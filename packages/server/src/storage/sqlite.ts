/**
 * The embedded store: one SQLite file through better-sqlite3. WAL lets readers run beside the writer;
 * synchronous=FULL makes every commit durable before it resolves, so an acknowledged message survives
 * SIGKILL and power loss (NORMAL survives a process crash only, and is for tests and benchmarks).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { AppError } from '../errors.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { Store } from './repositories.ts';
import type { Schema } from './schema.ts';
import { createStore } from './store.ts';
import type { SecretSealer } from './secret-sealer.ts';

export interface SqliteStoreOptions {
  synchronous?: 'FULL' | 'NORMAL';
  /** Seals the secrets the store holds (storage/secret-sealer.ts); default: kept in clear. */
  sealer?: SecretSealer;
  /** How long a statement waits for another process's lock before failing with 'unavailable'. */
  busyTimeoutMs?: number;
}

/**
 * Opens the SQLite file (creating its folder) and applies the durability and locking pragmas.
 * Throws AppError('unavailable') when the file cannot be opened.
 */
export function openSqliteDatabase(file: string, opts: SqliteStoreOptions = {}): Database.Database {
  const synchronous = opts.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new AppError(
      'bad_request',
      `SQLite synchronous must be FULL or NORMAL, not ${String(synchronous)}`,
    );
  }
  const busyTimeoutMs = Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000));
  const inMemory = file === ':memory:';

  let database: Database.Database;
  try {
    if (!inMemory) mkdirSync(dirname(resolve(file)), { recursive: true });
    database = new Database(file);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw Object.assign(new AppError('unavailable', `cannot open SQLite database ${file}: ${reason}`), {
      cause: e,
    });
  }

  try {
    const mode = database.pragma('journal_mode = WAL', { simple: true });
    if (!inMemory && mode !== 'wal') throw new Error(`SQLite refused WAL journal mode (got ${String(mode)})`);
    database.pragma(`synchronous = ${synchronous}`);
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    database.pragma('foreign_keys = ON');
    return database;
  } catch (e) {
    database.close();
    throw e;
  }
}

/** Opens and migrates the SQLite store at `file` (`:memory:` for a throwaway one). */
export async function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: openSqliteDatabase(file, opts) }) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return createStore(db, 'sqlite', opts.sealer);
}
