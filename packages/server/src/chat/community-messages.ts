/**
 * Archive paging of a room by `seq` (the archive's row number). Pages are always oldest first; the cursors
 * say where the neighbouring pages start, or null when there is nothing there (yet).
 */
import { PageLimits, type MessagePage } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { ArchivedMessage, MessagesRepo, PageOptions } from '../storage/repositories.ts';

export interface PageQuery {
  /** Messages older than this seq (the `prevCursor` of a page). */
  before?: number;
  /** Messages newer than this seq (the `nextCursor` of a page). */
  after?: number;
  limit: number;
}

export const PAGE_LIMIT = { default: PageLimits.archiveDefault, max: PageLimits.archiveMax } as const;

export async function pageMessages(
  messages: MessagesRepo,
  roomId: string,
  q: PageQuery,
  opts: PageOptions = {},
): Promise<MessagePage> {
  if (q.before !== undefined && q.after !== undefined) {
    throw new AppError('validation_failed', 'Give either before or after, not both', {
      details: { field: 'before' },
    });
  }
  const limit = Math.min(Math.max(1, Math.floor(q.limit)), PAGE_LIMIT.max);
  let page: ArchivedMessage[];
  let olderExists: boolean | undefined;
  let newerExists: boolean | undefined;
  if (q.after !== undefined) {
    // One extra row tells whether a newer page exists without another query.
    const rows = await messages.pageAfter(roomId, q.after, limit + 1, opts);
    page = rows.slice(0, limit);
    newerExists = rows.length > limit;
  } else {
    const rows = await messages.pageBefore(roomId, q.before ?? null, limit + 1, opts);
    page = rows.length > limit ? rows.slice(rows.length - limit) : rows;
    olderExists = rows.length > limit;
    if (q.before === undefined) newerExists = false;
  }
  const first = page[0];
  const last = page[page.length - 1];
  if (first && olderExists === undefined)
    olderExists = (await messages.pageBefore(roomId, first.seq, 1, opts)).length > 0;
  if (last && newerExists === undefined)
    newerExists = (await messages.pageAfter(roomId, last.seq, 1, opts)).length > 0;
  return {
    messages: page.map((m) => m.message),
    prevCursor: first && olderExists ? first.seq : null,
    nextCursor: last && newerExists ? last.seq : null,
  };
}
