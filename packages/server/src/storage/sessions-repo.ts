/**
 * Refresh tokens, stored by hash. Rotation is one conditional UPDATE, so two concurrent refreshes with the
 * same token cannot both succeed: exactly one sees an affected row, the other is told it was reuse.
 */
import type { Kysely } from 'kysely';
import { guard } from './db-errors.ts';
import type { RefreshTokenRecord, SessionsRepo } from './repositories.ts';
import type { RefreshTokenRow, Schema } from './schema.ts';

const toRecord = (r: RefreshTokenRow): RefreshTokenRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  familyId: r.family_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  revokedAt: r.revoked_at,
});

export class KyselySessionsRepo implements SessionsRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Throws AppError('conflict') when the hash is already stored. */
  insert(t: RefreshTokenRecord): Promise<void> {
    return guard(async () => {
      await this.db
        .insertInto('refresh_tokens')
        .values({
          token_hash: t.tokenHash,
          user_id: t.userId,
          family_id: t.familyId,
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          used_at: t.usedAt,
          revoked_at: t.revokedAt,
        })
        .execute();
    });
  }

  byHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toRecord(row);
    });
  }

  /** False when the token is unknown, already used or revoked. */
  markUsed(tokenHash: string, at: number): Promise<boolean> {
    return guard(async () => {
      const res = await this.db
        .updateTable('refresh_tokens')
        .set({ used_at: at })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    });
  }

  /** Revokes every not-yet-revoked token of the family; earlier revocation times are kept. */
  revokeFamily(familyId: string, at: number): Promise<void> {
    return guard(async () => {
      await this.db
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    });
  }

  /** Deletes tokens that expired strictly before `before`; returns how many. */
  deleteExpired(before: number): Promise<number> {
    return guard(async () => {
      const res = await this.db
        .deleteFrom('refresh_tokens')
        .where('expires_at', '<', before)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    });
  }
}
