/**
 * The embedded-mode group commit: one transaction gives a batch of drafts consecutive offsets per room.
 * Round trips per batch: one to lock/read the rooms, then per 500 drafts one lookup of already-stored
 * client ids and one multi-row insert, then one update per touched room.
 */
import type { Kysely, Transaction } from 'kysely';
import type { ChatMessage } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { MessageDraft } from './repositories.ts';
import type { Schema, SqlDialect } from './schema.ts';
import { CHUNK, chunks, clientKey, distinct, toMessage, toRow } from './message-rows.ts';

export interface RoomCursor {
  epoch: string;
  lastOffset: number;
  lastMessageAt: number | null;
  changed: boolean;
}

/**
 * Reads the rooms' stream positions. On PostgreSQL the rows are locked (in id order, so two batches never
 * deadlock) until the transaction ends; SQLite transactions are already serialised by its single writer.
 */
export async function lockRooms(
  tx: Transaction<Schema>,
  dialect: SqlDialect,
  ids: string[],
): Promise<Map<string, RoomCursor>> {
  let q = tx
    .selectFrom('rooms')
    .select(['id', 'epoch', 'last_offset', 'last_message_at'])
    .where('id', 'in', ids)
    .orderBy('id');
  if (dialect === 'postgres') q = q.forUpdate();
  const rows = await q.execute();
  const rooms = new Map<string, RoomCursor>();
  for (const r of rows) {
    rooms.set(r.id, {
      epoch: r.epoch,
      lastOffset: r.last_offset,
      lastMessageAt: r.last_message_at,
      changed: false,
    });
  }
  const missing = ids.find((id) => !rooms.has(id));
  if (missing !== undefined) throw new AppError('not_found', `room ${missing} does not exist`);
  return rooms;
}

/** Writes back the positions of the rooms this transaction moved. */
export async function saveRooms(tx: Transaction<Schema>, rooms: Map<string, RoomCursor>): Promise<void> {
  for (const [id, room] of rooms) {
    if (!room.changed) continue;
    await tx
      .updateTable('rooms')
      .set({ epoch: room.epoch, last_offset: room.lastOffset, last_message_at: room.lastMessageAt })
      .where('id', '=', id)
      .execute();
  }
}

async function findStored(
  tx: Transaction<Schema>,
  drafts: MessageDraft[],
): Promise<Map<string, ChatMessage>> {
  // Matches the (room_id, user_id, cid) unique index; the IN lists may cross-match, so filter by key.
  const rows = await tx
    .selectFrom('messages')
    .selectAll()
    .where('room_id', 'in', distinct(drafts.map((d) => d.room)))
    .where('user_id', 'in', distinct(drafts.map((d) => d.user.id)))
    .where('cid', 'in', distinct(drafts.map((d) => d.cid)))
    .execute();
  return new Map(rows.map((r) => [clientKey(r.room_id, r.user_id, r.cid), toMessage(r)]));
}

export async function appendBatch(
  db: Kysely<Schema>,
  dialect: SqlDialect,
  drafts: MessageDraft[],
): Promise<{ message: ChatMessage; duplicate: boolean }[]> {
  if (drafts.length === 0) return [];
  return db.transaction().execute(async (tx) => {
    const rooms = await lockRooms(tx, dialect, distinct(drafts.map((d) => d.room)));
    const results: { message: ChatMessage; duplicate: boolean }[] = [];
    // Messages stored by this batch so far: a cid repeated inside the batch resolves to the first one.
    const seen = new Map<string, ChatMessage>();
    for (const part of chunks(drafts, CHUNK)) {
      const stored = await findStored(tx, part);
      const rows = [];
      for (const d of part) {
        const key = clientKey(d.room, d.user.id, d.cid);
        const prior = seen.get(key) ?? stored.get(key);
        if (prior) {
          results.push({ message: prior, duplicate: true });
          continue;
        }
        const room = rooms.get(d.room)!;
        room.lastOffset += 1;
        room.lastMessageAt = Math.max(room.lastMessageAt ?? d.ts, d.ts);
        room.changed = true;
        const message: ChatMessage = {
          id: d.id,
          room: d.room,
          pos: { epoch: room.epoch, offset: room.lastOffset },
          cid: d.cid,
          user: { id: d.user.id, name: d.user.name, displayName: d.user.displayName },
          role: d.role,
          priority: d.priority,
          text: d.text,
          ts: d.ts,
        };
        // The send path's annotations (0004) travel with the message when it has them.
        if (d.lang !== undefined) message.lang = d.lang;
        if (d.mentions !== undefined) message.mentions = d.mentions;
        if (d.links !== undefined) message.links = d.links;
        if (d.reply !== undefined) message.reply = d.reply;
        seen.set(key, message);
        rows.push(toRow(message));
        results.push({ message, duplicate: false });
      }
      if (rows.length > 0) await tx.insertInto('messages').values(rows).execute();
    }
    await saveRooms(tx, rooms);
    return results;
  });
}
