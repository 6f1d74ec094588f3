/**
 * The scale-out store: PostgreSQL through a pg Pool. int8 columns (times, offsets, seq, counts) are parsed
 * to JS numbers on this pool only; every value we store stays below 2^53.
 */
import pg from 'pg';
import { Kysely } from 'kysely';
import { SchemaScopedPostgresDialect } from './schema-scoped-dialect.ts';
import { AppError } from '../errors.ts';
import { toAppError } from './db-errors.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { Store } from './repositories.ts';
import type { Schema } from './schema.ts';
import { createStore } from './store.ts';
import type { SecretSealer } from './secret-sealer.ts';

export interface PostgresStoreOptions {
  /** Seals the secrets the store holds (storage/secret-sealer.ts); default: kept in clear. */
  sealer?: SecretSealer;
  /** Tables live in this schema (created if missing); every pooled connection gets it as search_path. */
  schema?: string;
  /** Most connections held at once (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before failing with 'unavailable' (default 10 s). */
  connectTimeoutMs?: number;
  /** A query with no answer for this long fails with 'unavailable' (default 30 s): a hung server must not stall callers. */
  queryTimeoutMs?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** host:port/database of a URL, never its password. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    throw new AppError('bad_request', 'the PostgreSQL URL is not a valid URL');
  }
}

function unreachable(url: string, e: unknown): unknown {
  const mapped = toAppError(e);
  if (!(mapped instanceof AppError)) return e;
  const reason = e instanceof Error && e.message ? e.message : String((e as { code?: unknown }).code ?? e);
  return Object.assign(new AppError(mapped.code, `PostgreSQL at ${where(url)}: ${reason}`), { cause: e });
}

/** Opens a pool to `url`, prepares the schema and migrates it. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<Store> {
  where(url);
  const { schema } = opts;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new AppError(
      'bad_request',
      `invalid PostgreSQL schema name ${JSON.stringify(schema)}: use [a-z_][a-z0-9_]*`,
    );
  }
  const connectionTimeoutMillis = opts.connectTimeoutMs ?? 10_000;

  if (schema !== undefined) {
    // Created on a throwaway connection, before any pooled connection names it in its search_path.
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis });
    client.on('error', () => {}); // a dropped connection surfaces through the pending query instead
    try {
      await client.connect();
      await client.query(`create schema if not exists "${schema}"`);
    } catch (e) {
      throw unreachable(url, e);
    } finally {
      await client.end().catch(() => {});
    }
  }

  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis,
    query_timeout: opts.queryTimeoutMs ?? 30_000,
    types,
    // A startup parameter, so it holds for every connection the pool ever opens.
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its server must not crash the process; the next query reports 'unavailable'.
  pool.on('error', () => {});
  // Nor may a checked-out one between two queries (a transaction in progress when PostgreSQL stops): pg emits
  // 'error' on the client itself then, and the pool's listener only covers idle clients.
  pool.on('connect', (client) => client.on('error', () => {}));

  const db = new Kysely<Schema>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  try {
    await migrateToLatest(db, 'postgres');
  } catch (e) {
    await db.destroy().catch(() => {});
    throw e instanceof AppError ? e : unreachable(url, e);
  }
  return createStore(db, 'postgres', opts.sealer);
}
