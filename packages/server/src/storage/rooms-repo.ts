/** Rooms of communities. A room's stream position (epoch, last offset) is kept here and moved by the archive. */
import type { Kysely, Insertable } from 'kysely';
import type { RoomAccess, RoomKind } from '@lightstick/protocol';
import { guard } from './db-errors.ts';
import { checkQuota, holdRow } from './creation-quota.ts';
import type { CreationQuota, RoomRecord, RoomsRepo } from './repositories.ts';
import type { RoomRow, RoomsTable, Schema, SqlDialect } from './schema.ts';

export const toRoomRecord = (r: RoomRow): RoomRecord => ({
  id: r.id,
  communityId: r.community_id,
  name: r.name,
  kind: r.kind as RoomKind,
  access: r.access as RoomAccess,
  epoch: r.epoch,
  createdAt: r.created_at,
});

/** A new room starts empty: offset 0, no message yet. */
export const roomValues = (r: RoomRecord): Insertable<RoomsTable> => ({
  id: r.id,
  community_id: r.communityId,
  name: r.name,
  kind: r.kind,
  access: r.access,
  epoch: r.epoch,
  last_offset: 0,
  last_message_at: null,
  created_at: r.createdAt,
});

export class KyselyRoomsRepo implements RoomsRepo {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: SqlDialect = 'sqlite',
  ) {}

  /** Throws AppError('conflict') for a taken id and AppError('not_found') for an unknown community. */
  create(room: RoomRecord, quota?: CreationQuota): Promise<void> {
    if (!quota) {
      return guard(async () => {
        await this.db.insertInto('rooms').values(roomValues(room)).execute();
      });
    }
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await holdRow(tx, this.dialect, 'communities', room.communityId);
        // A live's room comes and goes with the live: the quota counts the rooms people made.
        const made = await tx
          .selectFrom('rooms')
          .select('created_at')
          .where('community_id', '=', room.communityId)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('lives').select('lives.id').whereRef('lives.room_id', '=', 'rooms.id'))),
          )
          .execute();
        checkQuota(
          quota,
          made.map((r) => r.created_at),
        );
        await tx.insertInto('rooms').values(roomValues(room)).execute();
      }),
    );
  }

  byId(id: string): Promise<RoomRecord | undefined> {
    return guard(async () => {
      const row = await this.db.selectFrom('rooms').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRoomRecord(row);
    });
  }

  /** Oldest first. */
  listByCommunity(communityId: string): Promise<RoomRecord[]> {
    return guard(async () => {
      const rows = await this.db
        .selectFrom('rooms')
        .selectAll()
        .where('community_id', '=', communityId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toRoomRecord);
    });
  }

  /** Most recently active first. */
  activeSince(since: number): Promise<RoomRecord[]> {
    return guard(async () => {
      const rows = await this.db
        .selectFrom('rooms')
        .selectAll()
        .where('last_message_at', '>', since)
        .orderBy('last_message_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toRoomRecord);
    });
  }
}
