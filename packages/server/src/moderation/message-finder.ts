/**
 * Finds a message of a room by id for moderation and translation: the archive first, then the room's hot
 * history. In scale-out mode a message is acknowledged once it is in the room stream and reaches the archive a
 * moment later, so a moderator acting at once (or on a fan-delayed message) finds it in hot history.
 */
import type { ChatMessage } from '@lightstick/protocol';
import type { Broker } from '../broker/broker.ts';
import type { MessagesRepo } from '../storage/repositories.ts';

/** How far back hot history is searched (its default size). */
const HOT_WINDOW = 1000;

export class MessageFinder {
  constructor(
    private readonly messages: Pick<MessagesRepo, 'byId'>,
    private readonly history: Pick<Broker, 'history'> | undefined,
  ) {}

  async find(room: string, mid: string): Promise<ChatMessage | undefined> {
    const archived = await this.messages.byId(room, mid);
    if (archived !== undefined || this.history === undefined) return archived;
    const { top } = await this.history.history(room, { limit: HOT_WINDOW });
    if (top.offset === 0) return undefined;
    const since = { epoch: top.epoch, offset: Math.max(0, top.offset - HOT_WINDOW) };
    const read = await this.history.history(room, { since, limit: HOT_WINDOW });
    return read.recoverable ? read.messages.find((m) => m.id === mid) : undefined;
  }
}
