/** The message archive: group commit (embedded), write-behind archive (scale-out) and paging by seq. */
import type { Kysely } from 'kysely';
import type { ChatMessage, Position } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { guard } from './db-errors.ts';
import { appendBatch, lockRooms, saveRooms } from './append-batch.ts';
import { CHUNK, chunks, distinct, toMessage, toRow } from './message-rows.ts';
import type { ArchivedMessage, MessageDraft, MessagesRepo, PageOptions } from './repositories.ts';
import type { MessageRow, Schema, SqlDialect } from './schema.ts';

const toArchived = (r: MessageRow): ArchivedMessage => ({ seq: r.seq, message: toMessage(r) });
const rowLimit = (limit: number): number => (limit > 0 ? Math.floor(limit) : 0);

export class KyselyMessagesRepo implements MessagesRepo {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dialect: SqlDialect,
  ) {}

  /** Throws AppError('not_found') (and stores nothing) when any draft names an unknown room. */
  appendBatch(drafts: MessageDraft[]): Promise<{ message: ChatMessage; duplicate: boolean }[]> {
    return guard(() => appendBatch(this.db, this.dialect, drafts));
  }

  /**
   * Stores positioned messages, skipping any already stored (same id, position or client id). Each room's
   * position follows the stream: it takes the epoch of the room's last message in the batch and the highest
   * offset seen in that epoch, never moving back within an epoch. Throws AppError('not_found') for an
   * unknown room.
   */
  archiveBatch(messages: ChatMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        const rooms = await lockRooms(tx, this.dialect, distinct(messages.map((m) => m.room)));
        for (const part of chunks(messages, CHUNK)) {
          await tx
            .insertInto('messages')
            .values(part.map(toRow))
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
        for (const m of messages) {
          const room = rooms.get(m.room)!;
          if (m.pos.epoch !== room.epoch) {
            room.epoch = m.pos.epoch;
            room.lastOffset = m.pos.offset;
            room.changed = true;
          } else if (m.pos.offset > room.lastOffset) {
            room.lastOffset = m.pos.offset;
            room.changed = true;
          }
          if (room.lastMessageAt === null || m.ts > room.lastMessageAt) {
            room.lastMessageAt = m.ts;
            room.changed = true;
          }
        }
        await saveRooms(tx, rooms);
      }),
    );
  }

  byClientId(room: string, userId: string, cid: string): Promise<ChatMessage | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('room_id', '=', room)
        .where('user_id', '=', userId)
        .where('cid', '=', cid)
        .executeTakeFirst();
      return row && toMessage(row);
    });
  }

  /** Throws AppError('not_found') for an unknown room. */
  lastPosition(room: string): Promise<Position> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('rooms')
        .select(['epoch', 'last_offset'])
        .where('id', '=', room)
        .executeTakeFirst();
      if (!row) throw new AppError('not_found', `room ${room} does not exist`);
      return { epoch: row.epoch, offset: row.last_offset };
    });
  }

  pageBefore(
    room: string,
    before: number | null,
    limit: number,
    opts: PageOptions = {},
  ): Promise<ArchivedMessage[]> {
    const n = rowLimit(limit);
    if (n === 0) return Promise.resolve([]);
    return guard(async () => {
      let q = this.page(room, opts);
      if (before !== null) q = q.where('seq', '<', before);
      const rows = await q.orderBy('seq', 'desc').limit(n).execute();
      return rows.reverse().map(toArchived);
    });
  }

  pageAfter(room: string, after: number, limit: number, opts: PageOptions = {}): Promise<ArchivedMessage[]> {
    const n = rowLimit(limit);
    if (n === 0) return Promise.resolve([]);
    return guard(async () => {
      const rows = await this.page(room, opts).where('seq', '>', after).orderBy('seq').limit(n).execute();
      return rows.map(toArchived);
    });
  }

  byId(room: string, id: string): Promise<ChatMessage | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', id)
        .where('room_id', '=', room)
        .executeTakeFirst();
      return row && toMessage(row);
    });
  }

  /** A room's rows; without the deleted ones when asked (an anti-join on message_deletions). */
  private page(room: string, opts: PageOptions) {
    let q = this.db.selectFrom('messages').selectAll().where('room_id', '=', room);
    if (opts.hideDeleted) {
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('message_deletions')
              .select('message_deletions.message_id')
              .whereRef('message_deletions.message_id', '=', 'messages.id'),
          ),
        ),
      );
    }
    return q;
  }

  latest(room: string, limit: number): Promise<ChatMessage[]> {
    return this.pageBefore(room, null, limit).then((page) => page.map((a) => a.message));
  }

  count(room: string): Promise<number> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('room_id', '=', room)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }
}
