/**
 * Stream keys sealed at rest (issue 8): a sealed value is different at every write, so the media process can no
 * longer find a channel by `stream_key = ?`. It looks it up by the key's SHA-256 instead (`stream_key_hash`,
 * unique), as refresh tokens are: a stream key is 24 random bytes, so its hash gives nothing to guess from.
 * Existing keys (all in clear before this) get their hash here; they are sealed at the next server start,
 * which has the key-encryption key that migrations never see (storage/local-channels-repo.ts `reseal`).
 * Additive only: a process of the previous version keeps reading and writing clear keys during a rollout, and
 * the lookup still finds a clear key whose hash is missing.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';

/** As storage/local-channels-repo.ts computes it; kept here so this migration never changes. */
function streamKeyHash(streamKey: string): string {
  return createHash('sha256').update(streamKey, 'utf8').digest('hex');
}

export function streamKeyHashes(): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's Schema type
    async up(db: Kysely<any>) {
      await db.schema.alterTable('local_channels').addColumn('stream_key_hash', 'text').execute();
      await db.schema
        .createIndex('local_channels_stream_key_hash')
        .unique()
        .on('local_channels')
        .column('stream_key_hash')
        .execute();
      const rows = (await db
        .selectFrom('local_channels')
        .select(['id', 'stream_key'])
        .where('stream_key', 'is not', null)
        .execute()) as { id: string; stream_key: string }[];
      for (const r of rows) {
        await db
          .updateTable('local_channels')
          .set({ stream_key_hash: streamKeyHash(r.stream_key) })
          .where('id', '=', r.id)
          .execute();
      }
    },
  };
}
