/**
 * How lives tell people about state changes: a system message in the live's own chat room (kept in its
 * history) and a `live` frame to everyone connected to a room of the live's community (real time, not kept).
 * Implemented in app/ over the message log and the broker's ephemeral room publications.
 */
import type { LiveView } from '@lightstick/protocol';

export interface LiveAnnouncer {
  /**
   * Posts `text` as a system message into the room. `key` makes it idempotent: the same key in the same room
   * is stored once. Resolves once the message is durable; throws AppError('unavailable') when it cannot be.
   */
  systemMessage(roomId: string, text: string, key: string): Promise<void>;
  /** Publishes the live's new state to the community's rooms. Best effort: throws when the broker fails. */
  liveChanged(live: LiveView): Promise<void>;
}
