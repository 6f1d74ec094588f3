/**
 * Security (issue 8): one row per sign-in (`auth_sessions`, id = the refresh-token family id) so a rotation and
 * a revocation lock the same row and cannot interleave, the sign-in's absolute end is kept, and revoked
 * sign-ins are known to every process. Existing families are copied in (revoked if any of their tokens was).
 * Additive only: older processes keep working against it during a rolling deploy.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

export function security(dialect: SqlDialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('auth_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('expires_at', ms, (c) => c.notNull())
        .addColumn('revoked_at', ms)
        .execute();
      await db.schema.createIndex('auth_sessions_user').on('auth_sessions').column('user_id').execute();
      await db.schema.createIndex('auth_sessions_revoked').on('auth_sessions').column('revoked_at').execute();
      await sql`insert into auth_sessions (id, user_id, created_at, expires_at, revoked_at)
        select family_id, min(user_id), min(created_at), max(expires_at), max(revoked_at)
        from refresh_tokens group by family_id`.execute(db);
    },
  };
}
