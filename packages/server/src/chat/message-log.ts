import type { ChatMessage } from '@lightstick/protocol';
import type { MessageDraft } from '../storage/repositories.ts';

/**
 * The durable step of the send pipeline: makes a message durable, gives it its position, puts it in the
 * room's hot history and publishes it to every node. Resolving is the acknowledgement point.
 * Embedded mode: group commit to the SQLite archive (which assigns offsets), then history and broker.
 * Scale-out mode (later): one Redis script appends and publishes; the archive is fed from the stream.
 */
export interface MessageLog {
  /** Resolves with the stored message (the original one when `duplicate`); throws AppError('unavailable'). */
  commit(draft: MessageDraft): Promise<{ message: ChatMessage; duplicate: boolean }>;
  /** Bounded backlog state, for readiness and metrics. */
  backlog(): number;
  /** Commits everything queued, then refuses new commits with 'unavailable'. */
  drain(): Promise<void>;
}
