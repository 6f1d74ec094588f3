/** What each mode (embedded or scale-out) supplies to the composition root. */
import type { Broker } from '../broker/broker.ts';
import type { Archiver } from '../chat/archiver.ts';
import type { MessageLog } from '../chat/message-log.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { PresenceStore } from '../presence/presence-store.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { Store } from '../storage/repositories.ts';

export interface ModeSeams {
  mode: 'embedded' | 'scale-out';
  broker: Broker;
  history: HistoryStore;
  presence: PresenceStore;
  rateLimiter: RateLimiter;
  messageLog: MessageLog;
  /** Embedded: loads hot history from the archive. Scale-out: nothing to load (Redis holds it). */
  seeder: RoomSeeder;
  /** The store the gateway and send pipeline read: scale-out mode puts a cache in front of PostgreSQL. */
  hotStore: Store;
  /** Scale-out mode, in processes with the api role: moves the streams into the archive. */
  archiver: Archiver | undefined;
  /** Messages waiting for the archive, read now (for readiness). */
  backlog(): Promise<number>;
  /** Closes the seams (not the store): after the message log drained and the archiver stopped. */
  close(): Promise<void>;
}
