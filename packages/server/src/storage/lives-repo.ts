/** Lives and the provider event ids seen. One Kysely implementation for SQLite and PostgreSQL. */
import type { Insertable, Kysely, Updateable } from 'kysely';
import { AppError } from '../errors.ts';
import { guard } from './db-errors.ts';
import { roomValues } from './rooms-repo.ts';
import type { LivePatch, LiveRecord, LivesRepo } from './lives-repositories.ts';
import type { RoomRecord } from './repositories.ts';
import type { LiveRow, LivesTable, Schema } from './schema.ts';

export const toLiveRecord = (r: LiveRow): LiveRecord => ({
  id: r.id,
  communityId: r.community_id,
  roomId: r.room_id,
  title: r.title,
  access: r.access as LiveRecord['access'],
  provider: r.provider as LiveRecord['provider'],
  channelId: r.channel_id,
  channelMeta: JSON.parse(r.channel_meta) as Record<string, string>,
  state: r.state as LiveRecord['state'],
  scheduledAt: r.scheduled_at,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
  eventAt: r.event_at,
  graceUntil: r.grace_until,
  version: r.version,
});

const liveValues = (l: LiveRecord): Insertable<LivesTable> => ({
  id: l.id,
  community_id: l.communityId,
  room_id: l.roomId,
  title: l.title,
  access: l.access,
  provider: l.provider,
  channel_id: l.channelId,
  channel_meta: JSON.stringify(l.channelMeta),
  state: l.state,
  scheduled_at: l.scheduledAt,
  started_at: l.startedAt,
  ended_at: l.endedAt,
  created_by: l.createdBy,
  created_at: l.createdAt,
  event_at: l.eventAt,
  grace_until: l.graceUntil,
  version: l.version,
});

function patchValues(p: LivePatch): Updateable<LivesTable> {
  const v: Updateable<LivesTable> = {};
  if (p.state !== undefined) v.state = p.state;
  if (p.startedAt !== undefined) v.started_at = p.startedAt;
  if (p.endedAt !== undefined) v.ended_at = p.endedAt;
  if (p.eventAt !== undefined) v.event_at = p.eventAt;
  if (p.graceUntil !== undefined) v.grace_until = p.graceUntil;
  if (p.channelId !== undefined) v.channel_id = p.channelId;
  if (p.channelMeta !== undefined) v.channel_meta = JSON.stringify(p.channelMeta);
  return v;
}

export class KyselyLivesRepo implements LivesRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  create(live: LiveRecord, room: RoomRecord): Promise<void> {
    if (room.id !== live.roomId || room.communityId !== live.communityId) {
      return Promise.reject(new AppError('bad_request', 'the room must be the live’s, in its community'));
    }
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx.insertInto('rooms').values(roomValues(room)).execute();
        await tx.insertInto('lives').values(liveValues(live)).execute();
      }),
    );
  }

  byId(id: string): Promise<LiveRecord | undefined> {
    return guard(async () => {
      const row = await this.db.selectFrom('lives').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toLiveRecord(row);
    });
  }

  byChannel(provider: LiveRecord['provider'], channelId: string): Promise<LiveRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('lives')
        .selectAll()
        .where('provider', '=', provider)
        .where('channel_id', '=', channelId)
        .executeTakeFirst();
      return row && toLiveRecord(row);
    });
  }

  listByCommunity(communityId: string, limit: number): Promise<LiveRecord[]> {
    if (!(limit > 0)) return Promise.resolve([]);
    return guard(async () => {
      const rows = await this.db
        .selectFrom('lives')
        .selectAll()
        .where('community_id', '=', communityId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.floor(limit))
        .execute();
      return rows.map(toLiveRecord);
    });
  }

  update(id: string, version: number, patch: LivePatch): Promise<LiveRecord | undefined> {
    return guard(async () => {
      const res = await this.db
        .updateTable('lives')
        .set({ ...patchValues(patch), version: version + 1 })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) return undefined;
      return this.byId(id);
    });
  }

  unended(limit: number): Promise<LiveRecord[]> {
    if (!(limit > 0)) return Promise.resolve([]);
    return guard(async () => {
      const rows = await this.db
        .selectFrom('lives')
        .selectAll()
        .where('state', '!=', 'ended')
        .orderBy('event_at')
        .orderBy('id')
        .limit(Math.floor(limit))
        .execute();
      return rows.map(toLiveRecord);
    });
  }

  rememberEvent(provider: string, eventId: string, receivedAt: number): Promise<boolean> {
    return guard(async () => {
      const res = await this.db
        .insertInto('provider_events')
        .values({ provider, event_id: eventId, received_at: receivedAt })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  knowsEvent(provider: string, eventId: string): Promise<boolean> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('provider_events')
        .select('event_id')
        .where('provider', '=', provider)
        .where('event_id', '=', eventId)
        .executeTakeFirst();
      return row !== undefined;
    });
  }

  forgetEvents(before: number): Promise<number> {
    return guard(async () => {
      const res = await this.db
        .deleteFrom('provider_events')
        .where('received_at', '<', before)
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    });
  }
}
