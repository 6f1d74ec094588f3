/**
 * The first schema. Written with the Kysely schema builder so one migration serves both dialects;
 * only the integer width of times and the archive's row number differ.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

export function init(dialect: SqlDialect): Migration {
  // Millisecond times overflow 32 bits: PostgreSQL needs bigint; SQLite integers are 64-bit already.
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('admin', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('expires_at', ms, (c) => c.notNull())
        .addColumn('used_at', ms)
        .addColumn('revoked_at', ms)
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
      await db.schema
        .createIndex('refresh_tokens_expires')
        .on('refresh_tokens')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('private_jwk', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('retired_at', ms)
        .execute();

      await db.schema
        .createTable('communities')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('memberships')
        .addColumn('community_id', 'text', (c) =>
          c.notNull().references('communities.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('joined_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('memberships_pk', ['community_id', 'user_id'])
        .execute();
      await db.schema.createIndex('memberships_user').on('memberships').column('user_id').execute();

      await db.schema
        .createTable('rooms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('access', 'text', (c) => c.notNull())
        .addColumn('epoch', 'text', (c) => c.notNull())
        .addColumn('last_offset', ms, (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('last_message_at', ms)
        .execute();
      await db.schema.createIndex('rooms_community').on('rooms').column('community_id').execute();
      await db.schema.createIndex('rooms_last_message').on('rooms').column('last_message_at').execute();

      // SQLite: AUTOINCREMENT so a row number is never reused, which keeps seq cursors stable.
      const messages =
        dialect === 'postgres'
          ? db.schema.createTable('messages').addColumn('seq', 'bigserial', (c) => c.primaryKey())
          : db.schema
              .createTable('messages')
              .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
      await messages
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('epoch', 'text', (c) => c.notNull())
        .addColumn('offset', ms, (c) => c.notNull())
        .addColumn('cid', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('ts', ms, (c) => c.notNull())
        .addUniqueConstraint('messages_position', ['room_id', 'epoch', 'offset'])
        // A resend with the same client id is found here instead of being stored twice.
        .addUniqueConstraint('messages_client_id', ['room_id', 'user_id', 'cid'])
        .execute();
      await db.schema.createIndex('messages_room_seq').on('messages').columns(['room_id', 'seq']).execute();
    },
  };
}
