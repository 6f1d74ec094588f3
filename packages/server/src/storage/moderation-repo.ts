/** Room modes, pins, deletions and audited role changes (migration 0004). */
import type { Kysely } from 'kysely';
import type { ChatMessage } from '@lightstick/protocol';
import { guard } from './db-errors.ts';
import { insertAudit } from './audit-repo.ts';
import type { MembershipRecord } from './repositories.ts';
import type {
  AuditRecord,
  DeletionRecord,
  ModerationRepo,
  PinRecord,
  RoomModeRecord,
} from './moderation-records.ts';
import type { Schema } from './schema.ts';
import { CHUNK, chunks, distinct } from './message-rows.ts';

const bit = (b: boolean) => (b ? 1 : 0);

export class KyselyModerationRepo implements ModerationRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  roomMode(room: string): Promise<RoomModeRecord | undefined> {
    return guard(async () => {
      const r = await this.db
        .selectFrom('room_modes')
        .selectAll()
        .where('room_id', '=', room)
        .executeTakeFirst();
      return (
        r && {
          room: r.room_id,
          slowSeconds: r.slow_seconds,
          membersOnly: Boolean(r.members_only),
          emoteOnly: Boolean(r.emote_only),
          uniqueChat: Boolean(r.unique_chat),
          fanDelayMs: r.fan_delay_ms,
          updatedBy: r.updated_by,
          updatedAt: r.updated_at,
        }
      );
    });
  }

  /** Throws AppError('not_found') for an unknown room. */
  setRoomMode(m: RoomModeRecord, audit: AuditRecord): Promise<void> {
    const values = {
      slow_seconds: m.slowSeconds,
      members_only: bit(m.membersOnly),
      emote_only: bit(m.emoteOnly),
      unique_chat: bit(m.uniqueChat),
      fan_delay_ms: m.fanDelayMs,
      updated_by: m.updatedBy,
      updated_at: m.updatedAt,
    };
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('room_modes')
          .values({ room_id: m.room, ...values })
          .onConflict((oc) => oc.column('room_id').doUpdateSet(values))
          .execute();
        await insertAudit(tx, audit);
      }),
    );
  }

  pin(room: string): Promise<PinRecord | undefined> {
    return guard(async () => {
      const r = await this.db
        .selectFrom('room_pins')
        .selectAll()
        .where('room_id', '=', room)
        .executeTakeFirst();
      return (
        r && {
          room: r.room_id,
          message: JSON.parse(r.message) as ChatMessage,
          pinnedBy: { id: r.pinned_by_id, name: r.pinned_by_name },
          pinnedAt: r.pinned_at,
        }
      );
    });
  }

  setPin(p: PinRecord, audit: AuditRecord): Promise<void> {
    const values = {
      message: JSON.stringify(p.message),
      pinned_by_id: p.pinnedBy.id,
      pinned_by_name: p.pinnedBy.name,
      pinned_at: p.pinnedAt,
    };
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('room_pins')
          .values({ room_id: p.room, ...values })
          .onConflict((oc) => oc.column('room_id').doUpdateSet(values))
          .execute();
        await insertAudit(tx, audit);
      }),
    );
  }

  clearPin(room: string, audit: AuditRecord): Promise<boolean> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        const res = await tx.deleteFrom('room_pins').where('room_id', '=', room).executeTakeFirst();
        if (Number(res.numDeletedRows) === 0) return false;
        await insertAudit(tx, audit);
        return true;
      }),
    );
  }

  deleteMessage(d: DeletionRecord, audit: AuditRecord): Promise<boolean> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        const res = await tx
          .insertInto('message_deletions')
          .values({
            message_id: d.messageId,
            room_id: d.room,
            deleted_by_id: d.by.id,
            deleted_by_name: d.by.name,
            deleted_at: d.at,
          })
          .onConflict((oc) => oc.column('message_id').doNothing())
          .executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) return false;
        await insertAudit(tx, audit);
        return true;
      }),
    );
  }

  deletions(messageIds: string[]): Promise<DeletionRecord[]> {
    const ids = distinct(messageIds);
    if (ids.length === 0) return Promise.resolve([]);
    return guard(async () => {
      const out: DeletionRecord[] = [];
      for (const part of chunks(ids, CHUNK)) {
        const rows = await this.db
          .selectFrom('message_deletions')
          .selectAll()
          .where('message_id', 'in', part)
          .execute();
        for (const r of rows) {
          out.push({
            messageId: r.message_id,
            room: r.room_id,
            by: { id: r.deleted_by_id, name: r.deleted_by_name },
            at: r.deleted_at,
          });
        }
      }
      return out;
    });
  }

  /** Throws AppError('not_found') for an unknown community. */
  setRole(m: MembershipRecord, audit: AuditRecord): Promise<void> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        await tx
          .insertInto('memberships')
          .values({ community_id: m.communityId, user_id: m.userId, role: m.role, joined_at: m.joinedAt })
          .onConflict((oc) =>
            oc.columns(['community_id', 'user_id']).doUpdateSet({ role: m.role, joined_at: m.joinedAt }),
          )
          .execute();
        await insertAudit(tx, audit);
      }),
    );
  }
}
