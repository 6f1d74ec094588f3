/** Token signing keys. A retired key stops signing but keeps verifying until its tokens have expired. */
import type { Kysely } from 'kysely';
import { AppError } from '../errors.ts';
import { guard } from './db-errors.ts';
import type { SigningKeyRecord, SigningKeysRepo } from './repositories.ts';
import type { Schema, SigningKeyRow } from './schema.ts';

const toRecord = (r: SigningKeyRow): SigningKeyRecord => ({
  kid: r.kid,
  alg: r.alg,
  privateJwk: r.private_jwk,
  publicJwk: r.public_jwk,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
});

export class KyselySigningKeysRepo implements SigningKeysRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Throws AppError('conflict') when the kid is already stored. */
  insert(k: SigningKeyRecord): Promise<void> {
    return guard(async () => {
      await this.db
        .insertInto('signing_keys')
        .values({
          kid: k.kid,
          alg: k.alg,
          private_jwk: k.privateJwk,
          public_jwk: k.publicJwk,
          created_at: k.createdAt,
          retired_at: k.retiredAt,
        })
        .execute();
    });
  }

  usable(since: number): Promise<SigningKeyRecord[]> {
    return guard(async () => {
      const rows = await this.db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', since)]))
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .execute();
      return rows.map(toRecord);
    });
  }

  /** Retiring twice keeps the first time. Throws AppError('not_found') for an unknown kid. */
  retire(kid: string, at: number): Promise<void> {
    return guard(async () => {
      const key = await this.db
        .selectFrom('signing_keys')
        .select('kid')
        .where('kid', '=', kid)
        .executeTakeFirst();
      if (!key) throw new AppError('not_found', 'no such signing key');
      await this.db
        .updateTable('signing_keys')
        .set({ retired_at: at })
        .where('kid', '=', kid)
        .where('retired_at', 'is', null)
        .execute();
    });
  }

  setPrivate(kid: string, privateJwk: string): Promise<void> {
    return guard(async () => {
      await this.db
        .updateTable('signing_keys')
        .set({ private_jwk: privateJwk })
        .where('kid', '=', kid)
        .execute();
    });
  }
}
