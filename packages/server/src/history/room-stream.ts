import type { ChatMessage, Position } from '@lightstick/protocol';
import type { MessageDraft } from '../storage/repositories.ts';
import type { HistoryOptions } from './history-store.ts';

export interface StreamAppendOptions extends HistoryOptions {
  /** Unarchived entries a room may hold; at the bound `append` throws AppError('unavailable'). */
  maxBacklog: number;
  /** How long a (room, user, cid) is remembered for idempotent resends. */
  dedupTtlMs: number;
}

/**
 * Scale-out mode's durable room streams (Redis): the acknowledgement point, hot history and the archive's feed.
 * One implementation holds the data; the same keys back the HistoryStore's `read` and `top`.
 */
export interface RoomStream {
  /**
   * Atomically, per room: a resend of a known (room, user, cid) returns the stored message with duplicate=true;
   * otherwise refuses with AppError('unavailable') when the room's unarchived entries reached `maxBacklog`,
   * assigns the next position (a new epoch, offsets from 1, when the room's stream was lost), appends the message,
   * trims by size and age (never an unarchived entry) and publishes it on the room's broker channel.
   * Throws AppError('unavailable') when the stream store cannot be reached. Never publishes without storing.
   */
  append(
    draft: MessageDraft,
    opts: StreamAppendOptions,
  ): Promise<{ message: ChatMessage; duplicate: boolean }>;
  /** Rooms that have entries not yet archived, at most `limit`, in no set order. */
  pendingRooms(limit: number): Promise<string[]>;
  /** The oldest unarchived entries of a room, oldest first, at most `limit`. */
  unarchived(room: string, limit: number): Promise<ChatMessage[]>;
  /** Moves the room's archived cursor to `upTo` (never backwards; ignored for another epoch's older position). */
  markArchived(room: string, upTo: Position): Promise<void>;
  /** Unarchived entries across all rooms (may lag by one archiver cycle), for readiness and metrics. */
  backlog(): Promise<number>;
  close(): Promise<void>;
}
