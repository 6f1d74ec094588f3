/** What each mode (embedded or scale-out) supplies to the composition root. */
import type { Broker } from '../broker/broker.ts';
import type { Config } from '../config/config.ts';
import type { Archiver } from '../chat/archiver.ts';
import type { MessageLog } from '../chat/message-log.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import type { PresenceStore } from '../presence/presence-store.ts';
import type { ConnectionCounts } from '../presence/connection-counts.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { RevocationList } from '../auth/session-ends.ts';
import type { Store } from '../storage/repositories.ts';
import type { ModerationState } from '../moderation/mode-state.ts';
import type { TranslationCache } from '../translation/translation-cache.ts';

export interface ModeSeams {
  mode: 'embedded' | 'scale-out';
  broker: Broker;
  presence: PresenceStore;
  /** Scale-out mode: sockets per account counted across gateways. Embedded mode: none (the gateway counts). */
  connections: ConnectionCounts | undefined;
  rateLimiter: RateLimiter;
  /** Revoked sign-ins, kept as long as their access tokens can live (memory / Redis). */
  revocations: RevocationList;
  messageLog: MessageLog;
  /** What room modes remember across processes (last fan sends, recent texts). */
  moderationState: ModerationState;
  /** Translations already made. */
  translationCache: TranslationCache;
  /** Scale-out mode: hot history to find messages not yet archived (embedded mode archives before acking). */
  findHistory: Pick<Broker, 'history'> | undefined;
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

/**
 * A gateway that stops refreshing its connection counts (killed, or paused) no longer counts after this long:
 * five refreshes, at least 5 s, so a busy event loop is not taken for a dead node.
 */
export function connectionTtlMs(config: Config): number {
  return Math.max(5000, config.countersIntervalMs * 5);
}

/** How long a revoked sign-in is remembered: an access token of it can live this long (TTL + clock margin). */
export function revocationTtlMs(config: Config): number {
  return config.auth.accessTtlSec * 1000 + 60_000;
}
