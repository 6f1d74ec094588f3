/**
 * Fandom and moderation: the creator flag and official/fan-made communities, message annotations (language,
 * mentions, links), room modes, pins, deletions, bans and timeouts, the report and review queue, the audit log
 * and per-community word filters. Additive only: no existing column changes meaning, so older processes keep
 * working against it during a rolling deploy.
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

export function moderation(dialect: SqlDialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
  const serial = (db: Kysely<any>, table: string) =>
    dialect === 'postgres'
      ? db.schema.createTable(table).addColumn('seq', 'bigserial', (c) => c.primaryKey())
      : db.schema.createTable(table).addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('users')
        .addColumn('creator', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      // Communities made before this migration were made by anyone: they are labelled fan-made.
      await db.schema
        .alterTable('communities')
        .addColumn('fan_made', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema
        .alterTable('communities')
        .addColumn('official', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      for (const column of ['lang', 'mentions', 'links']) {
        await db.schema.alterTable('messages').addColumn(column, 'text').execute();
      }

      await db.schema
        .createTable('room_modes')
        .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id').onDelete('cascade'))
        .addColumn('slow_seconds', 'integer', (c) => c.notNull())
        .addColumn('members_only', 'integer', (c) => c.notNull())
        .addColumn('emote_only', 'integer', (c) => c.notNull())
        .addColumn('unique_chat', 'integer', (c) => c.notNull())
        .addColumn('fan_delay_ms', 'integer', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('room_pins')
        .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id').onDelete('cascade'))
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('pinned_by_id', 'text', (c) => c.notNull())
        .addColumn('pinned_by_name', 'text', (c) => c.notNull())
        .addColumn('pinned_at', ms, (c) => c.notNull())
        .execute();

      // Keyed by message id, not a foreign key: in scale-out mode a message may be deleted before the archiver
      // has written it to `messages`.
      await db.schema
        .createTable('message_deletions')
        .addColumn('message_id', 'text', (c) => c.primaryKey())
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('deleted_by_id', 'text', (c) => c.notNull())
        .addColumn('deleted_by_name', 'text', (c) => c.notNull())
        .addColumn('deleted_at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('message_deletions_room')
        .on('message_deletions')
        .column('room_id')
        .execute();

      await db.schema
        .createTable('sanctions')
        .addColumn('community_id', 'text', (c) =>
          c.notNull().references('communities.id').onDelete('cascade'),
        )
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('until', ms)
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('by_id', 'text', (c) => c.notNull())
        .addColumn('by_name', 'text', (c) => c.notNull())
        .addColumn('at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('sanctions_pk', ['community_id', 'user_id', 'kind'])
        .execute();

      await serial(db, 'reports')
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('community_id', 'text', (c) =>
          c.notNull().references('communities.id').onDelete('cascade'),
        )
        .addColumn('room_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('reporter_id', 'text')
        .addColumn('reporter_name', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('resolved_by_id', 'text')
        .addColumn('resolved_by_name', 'text')
        .addColumn('resolved_at', ms)
        .addColumn('note', 'text', (c) => c.notNull())
        .execute();
      // One report per person per message; held messages (no reporter) are one per message by their id.
      await db.schema
        .createIndex('reports_message_reporter')
        .on('reports')
        .columns(['message_id', 'reporter_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('reports_queue')
        .on('reports')
        .columns(['community_id', 'status', 'seq'])
        .execute();

      await serial(db, 'audit_log')
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('community_id', 'text')
        .addColumn('room_id', 'text')
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_user_id', 'text')
        .addColumn('target_message_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('at', ms, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_community')
        .on('audit_log')
        .columns(['community_id', 'seq'])
        .execute();

      await db.schema
        .createTable('filter_settings')
        .addColumn('community_id', 'text', (c) =>
          c.primaryKey().references('communities.id').onDelete('cascade'),
        )
        .addColumn('builtin', 'text', (c) => c.notNull())
        .addColumn('terms', 'text', (c) => c.notNull())
        .addColumn('allow', 'text', (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();
    },
  };
}
