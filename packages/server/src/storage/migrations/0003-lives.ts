/**
 * Live video: lives (one per broadcast, with its chat room and its provider channel), the provider event ids
 * seen (webhook replays are refused by them), and the local provider's channels (stream keys and playback
 * token secrets, shared by the api processes that hand them out and the media process that checks them).
 */
import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.ts';

export function lives(dialect: SqlDialect): Migration {
  const ms = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('lives')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('community_id', 'text', (c) => c.notNull().references('communities.id'))
        .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('access', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('channel_meta', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('scheduled_at', ms)
        .addColumn('started_at', ms)
        .addColumn('ended_at', ms)
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('event_at', ms, (c) => c.notNull().defaultTo(0))
        .addColumn('grace_until', ms)
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('lives_channel', ['provider', 'channel_id'])
        .execute();
      await db.schema
        .createIndex('lives_community')
        .on('lives')
        .columns(['community_id', 'created_at'])
        .execute();
      await db.schema.createIndex('lives_state').on('lives').column('state').execute();

      await db.schema
        .createTable('provider_events')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('received_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('provider_events_pk', ['provider', 'event_id'])
        .execute();
      await db.schema
        .createIndex('provider_events_received')
        .on('provider_events')
        .column('received_at')
        .execute();

      await db.schema
        .createTable('local_channels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('stream_key', 'text', (c) => c.unique())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('revoked_at', ms)
        .addColumn('seen_at', ms)
        .execute();
    },
  };
}
