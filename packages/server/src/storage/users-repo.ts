/**
 * Accounts. `name_key` (lower-cased NFKC name) and `name_skeleton` (its look-alike key) are unique: a taken
 * name, or one that looks like a taken one, is AppError('username_taken').
 */
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { guard } from './db-errors.ts';
import type { UsersRepo, UserRecord } from './repositories.ts';
import type { Schema, UserRow } from './schema.ts';

const toRecord = (r: UserRow): UserRecord => ({
  id: r.id,
  name: r.name,
  nameKey: r.name_key,
  nameSkeleton: r.name_skeleton,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  admin: Boolean(r.admin),
  creator: Boolean(r.creator),
  createdAt: r.created_at,
});

const taken = (constraint: string) =>
  constraint.includes('name_key') || constraint.includes('name_skeleton')
    ? new AppError('username_taken', 'this username is taken')
    : new AppError('conflict', 'this user already exists');

export class KyselyUsersRepo implements UsersRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  create(u: UserRecord): Promise<void> {
    return guard(async () => {
      await this.db
        .insertInto('users')
        .values({
          id: u.id,
          name: u.name,
          name_key: u.nameKey,
          name_skeleton: u.nameSkeleton ?? null,
          display_name: u.displayName,
          password_hash: u.passwordHash,
          admin: u.admin ? 1 : 0,
          creator: u.creator ? 1 : 0,
          created_at: u.createdAt,
        })
        .execute();
    }, taken);
  }

  byId(id: string): Promise<UserRecord | undefined> {
    return guard(async () => {
      const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    });
  }

  byNameKey(nameKey: string): Promise<UserRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('users')
        .selectAll()
        .where('name_key', '=', nameKey)
        .executeTakeFirst();
      return row && toRecord(row);
    });
  }

  byNameSkeleton(nameSkeleton: string): Promise<UserRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('users')
        .selectAll()
        .where('name_skeleton', '=', nameSkeleton)
        .executeTakeFirst();
      return row && toRecord(row);
    });
  }

  /** Throws AppError('not_found') for an unknown user. */
  setPasswordHash(id: string, hash: string): Promise<void> {
    return guard(async () => {
      const res = await this.db
        .updateTable('users')
        .set({ password_hash: hash })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new AppError('not_found', 'no such user');
    });
  }

  setCreator(id: string, creator: boolean): Promise<void> {
    return guard(async () => {
      const res = await this.db
        .updateTable('users')
        .set({ creator: creator ? 1 : 0 })
        .where('id', '=', id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new AppError('not_found', 'no such user');
    });
  }
}
