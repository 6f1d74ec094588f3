import type { ChatMessage, Position } from '@lightstick/protocol';

/**
 * Scale-out mode's archive feed: the room streams in Redis hold every acknowledged message (the Broker's
 * `publish` appends them) until the Archiver has stored them in the SQL archive and moved the room's cursor.
 */
export interface RoomStream {
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
