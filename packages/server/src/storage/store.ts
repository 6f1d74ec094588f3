/** Assembles the Store from one Kysely instance; the dialect files only open and configure the database. */
import { sql, type Kysely } from 'kysely';
import type { Store } from './repositories.ts';
import type { Schema, SqlDialect } from './schema.ts';
import { KyselyUsersRepo } from './users-repo.ts';
import { KyselySessionsRepo } from './sessions-repo.ts';
import { KyselySigningKeysRepo } from './signing-keys-repo.ts';
import { KyselyCommunitiesRepo } from './communities-repo.ts';
import { KyselyRoomsRepo } from './rooms-repo.ts';
import { KyselyMessagesRepo } from './messages-repo.ts';

export function createStore(db: Kysely<Schema>, dialect: SqlDialect): Store {
  let closing: Promise<void> | undefined;
  return {
    users: new KyselyUsersRepo(db),
    sessions: new KyselySessionsRepo(db),
    signingKeys: new KyselySigningKeysRepo(db),
    communities: new KyselyCommunitiesRepo(db),
    rooms: new KyselyRoomsRepo(db),
    messages: new KyselyMessagesRepo(db, dialect),
    /** False (never a throw) when the database does not answer or the store is closed. */
    async ping() {
      if (closing) return false;
      try {
        await sql`select 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    /** Idempotent; later calls on the repositories fail with AppError('unavailable'). */
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
