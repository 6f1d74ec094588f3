/**
 * Runs the in-code migrations (no file-system globbing, so bundles and tests see the same list).
 * New migrations are appended to `migrations()` with a name that sorts after the previous one.
 */
import {
  DEFAULT_MIGRATION_TABLE,
  Migrator,
  sql,
  type Kysely,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import { AppError } from '../../errors.ts';
import { toAppError } from '../db-errors.ts';
import type { SqlDialect } from '../schema.ts';
import { init } from './0001-init.ts';
import { lives } from './0003-lives.ts';
import { moderation } from './0004-moderation.ts';
import { replies } from './0005-replies.ts';
import { security } from './0006-security.ts';
import { nameSkeletons } from './0007-name-skeletons.ts';
import { streamKeyHashes } from './0008-stream-key-hashes.ts';
import { communityList } from './0009-community-list.ts';

export function migrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001-init': init(dialect),
    '0003-lives': lives(dialect),
    '0004-moderation': moderation(dialect),
    '0005-replies': replies(dialect),
    '0006-security': security(dialect),
    '0007-name-skeletons': nameSkeletons(dialect),
    '0008-stream-key-hashes': streamKeyHashes(),
    '0009-community-list': communityList(),
  };
}

class InCodeProvider implements MigrationProvider {
  constructor(private readonly dialect: SqlDialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect);
  }
}

/**
 * Brings the database to the newest schema. Throws AppError('unavailable') when the database cannot be
 * reached, and an Error naming the failed migration otherwise (nothing of that migration is kept).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- works on any schema version
export async function migrateToLatest(db: Kysely<any>, dialect: SqlDialect): Promise<string[]> {
  let migrationTableSchema: string | undefined;
  try {
    if (dialect === 'postgres') {
      // Kysely looks for its bookkeeping table in every schema unless told which; pin it to ours so
      // several schemas (tests, tenants) in one database never see each other's migration state.
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      migrationTableSchema = rows[0]?.schema ?? undefined;
      if (!migrationTableSchema)
        throw new Error('no current schema: the search_path names no existing schema');
    }
  } catch (e) {
    throw failure('', e);
  }
  // Most starts find the database current (the api, or any earlier process, migrated it). One read of the
  // migration table says so, and Kysely's Migrator (its lock, its bookkeeping tables, about 1 MB of compiled code
  // and heap in every process: docs/benchmarks.md, "Stop 42") runs only when a migration is missing or unknown.
  if (await upToDate(db, dialect, migrationTableSchema)) return [];
  const migrator = new Migrator({ db, provider: new InCodeProvider(dialect), migrationTableSchema });
  // Our dialect's introspector reads only this schema (storage/schema-scoped-dialect.ts), so other schemas'
  // migrations and drops in the same database cannot fail this one.
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '';
    throw failure(failed, error);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Whether the migration table lists exactly this code's migrations. False when it lists fewer (the Migrator runs
 * them), more (the Migrator refuses a database newer than the code, as before) or cannot be read (a fresh database).
 */
async function upToDate(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- works on any schema version
  db: Kysely<any>,
  dialect: SqlDialect,
  schema: string | undefined,
): Promise<boolean> {
  const expected = Object.keys(migrations(dialect));
  try {
    const rows: { name: string }[] = await (schema === undefined ? db : db.withSchema(schema))
      .selectFrom(DEFAULT_MIGRATION_TABLE)
      .select('name')
      .execute();
    const applied = new Set(rows.map((r) => r.name));
    return applied.size === expected.length && expected.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

function failure(name: string, cause: unknown): Error {
  const mapped = toAppError(cause);
  const what = name ? `database migration "${name}" failed` : 'database migration failed';
  const reason = cause instanceof Error ? cause.message : String(cause);
  if (mapped instanceof AppError && mapped.code === 'unavailable') {
    return Object.assign(new AppError('unavailable', `${what}: database unavailable (${reason})`), { cause });
  }
  return new Error(`${what}: ${reason}`, { cause });
}
