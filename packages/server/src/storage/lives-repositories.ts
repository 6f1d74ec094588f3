/**
 * Narrow repositories of live video: lives (the live service) and local channels (the local provider).
 * Every method throws AppError('unavailable') when the database cannot be reached.
 */
import type { LiveState } from '@lightstick/protocol';
import type { RoomRecord } from './repositories.ts';

export type { LiveState };

export interface LiveRecord {
  id: string;
  communityId: string;
  roomId: string;
  title: string;
  access: 'public' | 'members';
  provider: 'local' | 'ivs' | 'mux' | 'cloudflare';
  channelId: string;
  /** The provider's non-secret channel data (ChannelRef.meta). */
  channelMeta: Record<string, string>;
  state: LiveState;
  scheduledAt: number | null;
  startedAt: number | null;
  endedAt: number | null;
  createdBy: string;
  createdAt: number;
  /** Provider time of the newest event applied (0 before any): an older event is stale. */
  eventAt: number;
  /** While reconnecting: when the live ends unless the publisher is back. */
  graceUntil: number | null;
  /** Bumped by every update; updates are compare-and-set on it. */
  version: number;
}

/** What an update may change. */
export type LivePatch = Partial<
  Pick<LiveRecord, 'state' | 'startedAt' | 'endedAt' | 'eventAt' | 'graceUntil' | 'channelId' | 'channelMeta'>
>;

export interface LivesRepo {
  /**
   * Stores the live and its chat room in ONE transaction. Throws AppError('not_found') for an unknown
   * community and AppError('conflict') for a taken id or (provider, channelId).
   */
  create(live: LiveRecord, room: RoomRecord): Promise<void>;
  byId(id: string): Promise<LiveRecord | undefined>;
  byChannel(provider: LiveRecord['provider'], channelId: string): Promise<LiveRecord | undefined>;
  /** The community's newest `limit` lives by creation, newest first. */
  listByCommunity(communityId: string, limit: number): Promise<LiveRecord[]>;
  /**
   * Compare-and-set: applies `patch` and bumps the version only when the stored version is `version`.
   * Returns the updated record, or undefined when the version moved (someone else changed it first) or the
   * live does not exist. Throws AppError('conflict') when a new channelId is taken.
   */
  update(id: string, version: number, patch: LivePatch): Promise<LiveRecord | undefined>;
  /** Lives not ended, the least recently changed first, at most `limit` (reconciliation). */
  unended(limit: number): Promise<LiveRecord[]>;
  /**
   * Remembers a provider event id. Returns false when it was remembered before (a replay), true when it is
   * new. Atomic: of two concurrent calls with the same id exactly one returns true.
   */
  rememberEvent(provider: string, eventId: string, receivedAt: number): Promise<boolean>;
  /** True when the event id was remembered before. */
  knowsEvent(provider: string, eventId: string): Promise<boolean>;
  /** Forgets event ids received before `before`; returns how many. */
  forgetEvents(before: number): Promise<number>;
}

export interface LocalChannelRecord {
  id: string;
  /** The stream key (in clear here; sealed at rest by the store); null once revoked. */
  streamKey: string | null;
  /** Signs the channel's playback tokens (in clear here; sealed at rest). */
  secret: string;
  createdAt: number;
  revokedAt: number | null;
  /** Last heartbeat of the media process while a publish runs; null when none runs. */
  seenAt: number | null;
}

export interface LocalChannelsRepo {
  /** Throws AppError('conflict') for a taken id or stream key. */
  create(channel: LocalChannelRecord): Promise<void>;
  byId(id: string): Promise<LocalChannelRecord | undefined>;
  /** The unrevoked channel holding this key (exact match), or undefined. */
  byStreamKey(streamKey: string): Promise<LocalChannelRecord | undefined>;
  /** The channels among `ids` that exist (any order). */
  byIds(ids: string[]): Promise<LocalChannelRecord[]>;
  /** Replaces the key of an unrevoked channel; false when the channel is unknown or revoked. */
  setKey(id: string, streamKey: string): Promise<boolean>;
  /** Clears the key and marks the channel revoked (idempotent; the first revocation time stays). */
  revoke(id: string, at: number): Promise<void>;
  /** Removes the channel (idempotent). */
  delete(id: string): Promise<void>;
  /** Marks the channels' publishes as running at `at` (one statement). */
  heartbeat(ids: string[], at: number): Promise<void>;
  /** No publish runs for the channel any more. */
  idle(id: string): Promise<void>;
  /**
   * Brings every row's secrets to the current at-rest form (sealed under the current key-encryption key, with
   * the stream key's lookup hash): rows from before sealing, or sealed under a previous KEK. Run at start;
   * returns how many rows it changed.
   */
  reseal(): Promise<number>;
}
