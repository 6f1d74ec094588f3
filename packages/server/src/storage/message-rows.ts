/** Row <-> ChatMessage mapping and the small helpers the message archive shares. */
import type { Insertable } from 'kysely';
import type { AuthorRole, ChatMessage, Link, Mention, ReplyRef } from '@lightstick/protocol';
import type { MessageRow, MessagesTable } from './schema.ts';

/**
 * Rows per multi-row statement: 16 parameters each stays far below SQLite's 32766 and PostgreSQL's 65535
 * bound-parameter limits, while a typical group commit still fits in one statement.
 */
export const CHUNK = 500;

export function toMessage(r: MessageRow): ChatMessage {
  const m: ChatMessage = {
    id: r.id,
    room: r.room_id,
    pos: { epoch: r.epoch, offset: r.offset },
    cid: r.cid,
    user: { id: r.user_id, name: r.user_name, displayName: r.display_name },
    role: r.role as AuthorRole,
    priority: Boolean(r.priority),
    text: r.text,
    ts: r.ts,
  };
  // Annotations (0004) are left out when absent, so older messages keep their exact shape.
  if (r.lang !== null) m.lang = r.lang;
  if (r.mentions !== null) m.mentions = JSON.parse(r.mentions) as Mention[];
  if (r.links !== null) m.links = JSON.parse(r.links) as Link[];
  if (r.reply !== null) m.reply = JSON.parse(r.reply) as ReplyRef;
  return m;
}

export const toRow = (m: ChatMessage): Insertable<MessagesTable> => ({
  id: m.id,
  room_id: m.room,
  epoch: m.pos.epoch,
  offset: m.pos.offset,
  cid: m.cid,
  user_id: m.user.id,
  user_name: m.user.name,
  display_name: m.user.displayName,
  role: m.role,
  priority: m.priority ? 1 : 0,
  text: m.text,
  ts: m.ts,
  lang: m.lang ?? null,
  mentions: m.mentions ? JSON.stringify(m.mentions) : null,
  links: m.links ? JSON.stringify(m.links) : null,
  reply: m.reply ? JSON.stringify(m.reply) : null,
});

/** Identity of a message for idempotent resends: (room, user, client id). */
export const clientKey = (room: string, userId: string, cid: string): string =>
  `${room}\u0000${userId}\u0000${cid}`;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export const distinct = <T>(items: Iterable<T>): T[] => [...new Set(items)];
