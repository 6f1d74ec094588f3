/**
 * The local provider's channels: stream keys, playback token secrets and the media process's heartbeat. Both
 * secrets are sealed at rest (issue 8) by the store's SecretSealer, each with its column and the channel id as
 * associated data (a sealed value copied to another row or column does not open); callers see clear values.
 * A publish finds its channel by the stream key's SHA-256 (`stream_key_hash`), since a sealed value differs at
 * every write; a clear key without its hash (written by a process of the previous version during a rollout)
 * is still found by the key itself. `reseal` brings older rows to the current form at start.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { guard } from './db-errors.ts';
import type { LocalChannelRecord, LocalChannelsRepo } from './lives-repositories.ts';
import type { LocalChannelRow, Schema } from './schema.ts';
import { inClear, type SecretSealer } from './secret-sealer.ts';

const keyAad = (id: string) => `local_channels.stream_key:${id}`;
const secretAad = (id: string) => `local_channels.secret:${id}`;

export function streamKeyHash(streamKey: string): string {
  return createHash('sha256').update(streamKey, 'utf8').digest('hex');
}

export class KyselyLocalChannelsRepo implements LocalChannelsRepo {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly sealer: SecretSealer = inClear,
  ) {}

  private toRecord(r: LocalChannelRow): LocalChannelRecord {
    return {
      id: r.id,
      streamKey: r.stream_key === null ? null : this.sealer.open(r.stream_key, keyAad(r.id)),
      secret: this.sealer.open(r.secret, secretAad(r.id)),
      createdAt: r.created_at,
      revokedAt: r.revoked_at,
      seenAt: r.seen_at,
    };
  }

  /** The stored columns of a stream key: sealed, and its lookup hash. */
  private keyColumns(id: string, streamKey: string | null) {
    return streamKey === null
      ? { stream_key: null, stream_key_hash: null }
      : { stream_key: this.sealer.seal(streamKey, keyAad(id)), stream_key_hash: streamKeyHash(streamKey) };
  }

  create(c: LocalChannelRecord): Promise<void> {
    return guard(async () => {
      await this.db
        .insertInto('local_channels')
        .values({
          id: c.id,
          ...this.keyColumns(c.id, c.streamKey),
          secret: this.sealer.seal(c.secret, secretAad(c.id)),
          created_at: c.createdAt,
          revoked_at: c.revokedAt,
          seen_at: c.seenAt,
        })
        .execute();
    });
  }

  async byId(id: string): Promise<LocalChannelRecord | undefined> {
    const row = await guard(() =>
      this.db.selectFrom('local_channels').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && this.toRecord(row);
  }

  async byStreamKey(streamKey: string): Promise<LocalChannelRecord | undefined> {
    const row = await guard(() =>
      this.db
        .selectFrom('local_channels')
        .selectAll()
        .where('revoked_at', 'is', null)
        .where((eb) =>
          eb.or([
            eb('stream_key_hash', '=', streamKeyHash(streamKey)),
            eb.and([eb('stream_key_hash', 'is', null), eb('stream_key', '=', streamKey)]),
          ]),
        )
        .executeTakeFirst(),
    );
    const record = row && this.toRecord(row);
    return record?.streamKey === streamKey ? record : undefined;
  }

  async byIds(ids: string[]): Promise<LocalChannelRecord[]> {
    if (ids.length === 0) return [];
    const rows = await guard(() =>
      this.db.selectFrom('local_channels').selectAll().where('id', 'in', ids).execute(),
    );
    return rows.map((r) => this.toRecord(r));
  }

  setKey(id: string, streamKey: string): Promise<boolean> {
    return guard(async () => {
      const res = await this.db
        .updateTable('local_channels')
        .set(this.keyColumns(id, streamKey))
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    });
  }

  revoke(id: string, at: number): Promise<void> {
    return guard(async () => {
      await this.db
        .updateTable('local_channels')
        .set({ ...this.keyColumns(id, null), revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
    });
  }

  delete(id: string): Promise<void> {
    return guard(async () => {
      await this.db.deleteFrom('local_channels').where('id', '=', id).execute();
    });
  }

  heartbeat(ids: string[], at: number): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return guard(async () => {
      await this.db.updateTable('local_channels').set({ seen_at: at }).where('id', 'in', ids).execute();
    });
  }

  async reseal(): Promise<number> {
    const rows = await guard(() =>
      this.db
        .selectFrom('local_channels')
        .select(['id', 'stream_key', 'stream_key_hash', 'secret'])
        .execute(),
    );
    let changed = 0;
    for (const r of rows) {
      const keyStale =
        r.stream_key !== null && (!this.sealer.isCurrent(r.stream_key) || r.stream_key_hash === null);
      if (!keyStale && this.sealer.isCurrent(r.secret)) continue;
      const key = r.stream_key === null ? null : this.sealer.open(r.stream_key, keyAad(r.id));
      const secret = this.sealer.open(r.secret, secretAad(r.id));
      // Compare-and-set on what was read: a key rotated meanwhile (or another process resealing) wins.
      const res = await guard(() =>
        this.db
          .updateTable('local_channels')
          .set({ ...this.keyColumns(r.id, key), secret: this.sealer.seal(secret, secretAad(r.id)) })
          .where('id', '=', r.id)
          .where('secret', '=', r.secret)
          .where((eb) =>
            r.stream_key === null ? eb('stream_key', 'is', null) : eb('stream_key', '=', r.stream_key),
          )
          .executeTakeFirst(),
      );
      changed += Number(res.numUpdatedRows) > 0 ? 1 : 0;
    }
    return changed;
  }

  idle(id: string): Promise<void> {
    return guard(async () => {
      await this.db.updateTable('local_channels').set({ seen_at: null }).where('id', '=', id).execute();
    });
  }
}
