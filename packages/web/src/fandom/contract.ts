/**
 * The realtime contract of issue 11 as the fandom components use it, in ONE place: the events a realtime
 * client must report (`stats`, `mode`, `deleted`, `pinned`, `spotlight`, `messages`) and `heart`. The
 * RealtimeClient of @lightstick/client satisfies FandomRealtime as it is (pass it where one is asked for);
 * the narrow interface lets unit tests pass a fake.
 */
import type {
  ChatMessage,
  DeletedFrame,
  ModeFrame,
  PinnedFrame,
  SpotlightFrame,
  StatsFrame,
} from '@lightstick/protocol';

/** At most once a second per room: viewers, the heart total and the heart rate (0 and 0 before any tap). */
export type StatsEvent = Omit<StatsFrame, 't'>;
export type ModeEvent = Omit<ModeFrame, 't'>;
export type DeletedEvent = Omit<DeletedFrame, 't'>;
export type PinnedEvent = Omit<PinnedFrame, 't'>;
export type SpotlightEvent = Omit<SpotlightFrame, 't'>;

export interface FandomEvents {
  stats: StatsEvent;
  mode: ModeEvent;
  deleted: DeletedEvent;
  pinned: PinnedEvent;
  spotlight: SpotlightEvent;
  messages: { room: string; messages: ChatMessage[] };
}

/** What the components need of a realtime client (RealtimeClient as it is, or a test's fake). */
export interface FandomRealtime {
  on<K extends keyof FandomEvents>(event: K, listener: (e: FandomEvents[K]) => void): () => void;
  /** Sends `{ op: 'heart', room, count }`. */
  heart(room: string, count: number): void;
}

/** A community role as the components read it (protocol's CommunityRole plus "not joined"). */
export type ViewerRole = 'fan' | 'member' | 'moderator' | 'artist' | 'owner' | 'admin' | null;

export const STAFF_ROLES: ReadonlySet<string> = new Set(['moderator', 'artist', 'owner', 'admin']);
export const MODERATOR_ROLES: ReadonlySet<string> = new Set(['moderator', 'owner', 'admin']);
