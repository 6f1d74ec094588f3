/**
 * Sign-ins (`auth_sessions`) and their refresh tokens, stored by hash. A rotation is one transaction that
 * first locks the sign-in's row (PostgreSQL: FOR UPDATE; SQLite: one connection, transactions in turn), then
 * spends the token and stores its successor; a revocation locks the same row first. So of two concurrent
 * refreshes with one token exactly one stores a successor and the other revokes the sign-in after it, and no
 * successor is ever stored into a revoked sign-in (issue 8).
 */
import type { Kysely, Transaction } from 'kysely';
import { guard } from './db-errors.ts';
import type { AuthSessionRecord, RefreshTokenRecord, RotateOutcome, SessionsRepo } from './repositories.ts';
import type { AuthSessionsTable, RefreshTokenRow, Schema, SqlDialect } from './schema.ts';

const toSession = (r: AuthSessionsTable): AuthSessionRecord => ({
  id: r.id,
  userId: r.user_id,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
});

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
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: SqlDialect,
  ) {}

  start(session: AuthSessionRecord, first: RefreshTokenRecord): Promise<void> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('auth_sessions')
          .values({
            id: session.id,
            user_id: session.userId,
            created_at: session.createdAt,
            expires_at: session.expiresAt,
            revoked_at: session.revokedAt,
          })
          .execute();
        await insertToken(tx, first);
      }),
    );
  }

  rotate(
    tokenHash: string,
    next: Omit<RefreshTokenRecord, 'userId' | 'familyId'>,
    now: number,
  ): Promise<RotateOutcome> {
    return guard(() =>
      this.db.transaction().execute(async (tx): Promise<RotateOutcome> => {
        const old = await tx
          .selectFrom('refresh_tokens')
          .select(['family_id', 'expires_at'])
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst();
        if (!old) return { kind: 'invalid' };
        const row = await this.lockSession(tx, old.family_id);
        if (!row) return { kind: 'invalid' };
        const session = toSession(row);
        if (session.revokedAt !== null) return { kind: 'reused', session, revokedNow: false };
        if (Number(old.expires_at) <= now || session.expiresAt <= now) return { kind: 'invalid' };
        const spent = await tx
          .updateTable('refresh_tokens')
          .set({ used_at: now })
          .where('token_hash', '=', tokenHash)
          .where('used_at', 'is', null)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        if (Number(spent.numUpdatedRows) !== 1) {
          await revokeIn(tx, [session.id], now);
          return { kind: 'reused', session: { ...session, revokedAt: now }, revokedNow: true };
        }
        await insertToken(tx, {
          ...next,
          userId: session.userId,
          familyId: session.id,
          // A rotation never outlives the sign-in.
          expiresAt: Math.min(next.expiresAt, session.expiresAt),
        });
        return { kind: 'rotated', session };
      }),
    );
  }

  session(id: string): Promise<AuthSessionRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toSession(row);
    });
  }

  revokeSession(id: string, at: number): Promise<string | undefined> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        const row = await this.lockSession(tx, id);
        if (!row || row.revoked_at !== null) return undefined;
        await revokeIn(tx, [id], at);
        return row.user_id;
      }),
    );
  }

  revokeUserSessions(userId: string, at: number, exceptId?: string): Promise<string[]> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        let q = tx
          .updateTable('auth_sessions')
          .set({ revoked_at: at })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null);
        if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
        const rows = await q.returning('id').execute();
        const ids = rows.map((r) => r.id);
        if (ids.length > 0) {
          await tx
            .updateTable('refresh_tokens')
            .set({ revoked_at: at })
            .where('family_id', 'in', ids)
            .where('revoked_at', 'is', null)
            .execute();
        }
        return ids;
      }),
    );
  }

  revokedSince(since: number): Promise<string[]> {
    return guard(async () => {
      const rows = await this.db
        .selectFrom('auth_sessions')
        .select('id')
        .where('revoked_at', '>=', since)
        .execute();
      return rows.map((r) => r.id);
    });
  }

  /** Reads a sign-in's row and, in PostgreSQL, locks it until the transaction ends. */
  private async lockSession(tx: Transaction<Schema>, id: string): Promise<AuthSessionsTable | undefined> {
    const q = tx.selectFrom('auth_sessions').selectAll().where('id', '=', id);
    return (this.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
  }

  /** Throws AppError('conflict') when the hash is already stored. */
  insert(t: RefreshTokenRecord): Promise<void> {
    return guard(() => insertToken(this.db, t));
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

  /** Revokes the family's sign-in (when stored) and every not-yet-revoked token; earlier times are kept. */
  revokeFamily(familyId: string, at: number): Promise<void> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await this.lockSession(tx, familyId);
        await revokeIn(tx, [familyId], at);
      }),
    );
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

/** Inside a transaction or on its own. */
async function insertToken(tx: Kysely<Schema>, t: RefreshTokenRecord): Promise<void> {
  await tx
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
}

/** Revokes sign-ins and their tokens (the caller holds the sign-ins' rows). */
async function revokeIn(tx: Transaction<Schema>, ids: string[], at: number): Promise<void> {
  await tx
    .updateTable('auth_sessions')
    .set({ revoked_at: at })
    .where('id', 'in', ids)
    .where('revoked_at', 'is', null)
    .execute();
  await tx
    .updateTable('refresh_tokens')
    .set({ revoked_at: at })
    .where('family_id', 'in', ids)
    .where('revoked_at', 'is', null)
    .execute();
}
