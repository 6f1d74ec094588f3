import type { ChatMessage, Position } from '@lightstick/protocol';

export interface HistoryOptions {
  /** Entries kept per channel; older ones are trimmed. */
  maxSize: number;
  /** Entries older than this are trimmed (ms). */
  ttlMs: number;
}

export type HistoryRead =
  | { recoverable: true; messages: ChatMessage[]; top: Position }
  /** `since` has another epoch, or fell out of the retained window: the client must reload. */
  | { recoverable: false; top: Position };

/**
 * The short, hot history of each room, for resume.
 * Offsets within an epoch are consecutive integers from 1; 0 means "nothing yet".
 */
export interface HistoryStore {
  /**
   * Appends `message` and returns its position. When `message.pos` is already set (positions assigned by the
   * durable archive, embedded mode), the store adopts it; it must be exactly top.offset + 1 in the same epoch.
   */
  append(channel: string, message: ChatMessage, opts: HistoryOptions): Promise<Position>;
  /**
   * Messages after `since` in order, at most `limit`. With no `since`, only `top` (messages: []).
   * Not recoverable when the epoch differs or entries after `since` were trimmed, or more than `limit` are missing.
   */
  read(channel: string, opts: { since?: Position; limit: number }): Promise<HistoryRead>;
  /** The channel's current position; creates the epoch when the channel is new. */
  top(channel: string): Promise<Position>;
  /** Loads a channel's epoch and last messages (oldest first), e.g. from the archive after a restart. */
  seed(channel: string, epoch: string, messages: ChatMessage[], lastOffset: number): Promise<void>;
  close(): Promise<void>;
}
