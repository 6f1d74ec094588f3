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
import { KyselyLivesRepo } from './lives-repo.ts';
import { KyselyLocalChannelsRepo } from './local-channels-repo.ts';
import { KyselyModerationRepo } from './moderation-repo.ts';
import { KyselySanctionsRepo } from './sanctions-repo.ts';
import { KyselyReportsRepo } from './reports-repo.ts';
import { KyselyAuditRepo } from './audit-repo.ts';
import { KyselyFiltersRepo } from './filters-repo.ts';
import { inClear, type SecretSealer } from './secret-sealer.ts';

/** `sealer` seals the secrets the store holds (a server passes its KeyVault); default: kept in clear. */
export function createStore(db: Kysely<Schema>, dialect: SqlDialect, sealer: SecretSealer = inClear): Store {
  let closing: Promise<void> | undefined;
  return {
    users: new KyselyUsersRepo(db),
    sessions: new KyselySessionsRepo(db, dialect),
    signingKeys: new KyselySigningKeysRepo(db),
    communities: new KyselyCommunitiesRepo(db, dialect),
    rooms: new KyselyRoomsRepo(db, dialect),
    messages: new KyselyMessagesRepo(db, dialect),
    lives: new KyselyLivesRepo(db),
    localChannels: new KyselyLocalChannelsRepo(db, sealer),
    moderation: new KyselyModerationRepo(db),
    sanctions: new KyselySanctionsRepo(db),
    reports: new KyselyReportsRepo(db),
    audit: new KyselyAuditRepo(db),
    filters: new KyselyFiltersRepo(db),
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
