/** The one validated, typed configuration. Built by config/load.ts from environment and flags. */
import type { KeyEncryptionConfig } from './key-encryption.ts';
import type { SecurityConfig } from './security.ts';
import type { VideoConfig } from './video.ts';
import type { MediaConfig } from './media.ts';
import type { MetricsConfig } from './metrics.ts';

export type Role = 'gateway' | 'api' | 'web' | 'media' | 'all';

export interface Config {
  roles: Set<Exclude<Role, 'all'>>;
  host: string;
  port: number;
  /** Pending connections the public listener's accept queue holds (LIGHTSTICK_LISTEN_BACKLOG). */
  listenBacklog: number;
  /** A separate listener for `/metrics` (LIGHTSTICK_METRICS_PORT); unset: served on the public port. */
  metrics: MetricsConfig;
  /** Base folder for the SQLite file and local media (LIGHTSTICK_DATA_DIR, default ./data). */
  dataDir: string;
  /** postgres:// URL; when unset the store is the SQLite file `${dataDir}/lightstick.db`. */
  databaseUrl: string | undefined;
  /** PostgreSQL schema for the tables (created if missing); unset: the server's default search_path. */
  databaseSchema: string | undefined;
  /**
   * redis:// URL; when set the broker, hot history, presence, rate limits and the message log (room streams)
   * run on Redis (scale-out mode); when unset they are in-process.
   */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel (one Redis can serve several deployments or tests). */
  redisPrefix: string;
  /** Connect to a Redis Cluster (sharded pub/sub) instead of a single Redis. */
  redisCluster: boolean;
  /** Scale-out mode: how long a (room, user, cid) is remembered so a resend is acknowledged, not stored again. */
  dedupTtlMs: number;
  /** Password for the `admin` account created on first start; generated and printed once when unset. */
  adminPassword: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Trusted proxies, WebSocket origins and connection caps, HTTP timeouts (issue 8). */
  security: SecurityConfig;
  /** Unique per process; in logs, metrics and broker control messages. */
  nodeId: string;
  auth: {
    accessTtlSec: number;
    refreshTtlSec: number;
    /** Absolute lifetime of a sign-in: refreshing never extends it (issue 8). */
    sessionMaxAgeDays: number;
    /** Key-encryption keys that seal private signing keys at rest (config/key-encryption.ts). */
    keyEncryption: KeyEncryptionConfig;
    /** Signing keys older than this are retired and a new one made at start. */
    keyRotationDays: number;
    issuer: string;
  };
  history: { maxSize: number; ttlMs: number };
  archive: {
    /** Sends gathered into one transaction for at most this long. */
    groupCommitMs: number;
    /**
     * Messages waiting for the archive at most; past it sends are refused with `unavailable`. Embedded mode:
     * the group-commit queue. Scale-out mode: unarchived entries per room stream, and the total at which
     * readiness turns false.
     */
    maxBacklog: number;
  };
  /** Deadline for SIGTERM drain before exit. */
  drainTimeoutMs: number;
  /** Processes `serve` runs (node:cluster workers sharing the port; 1 = this process serves). */
  workers: number;
  /** Folder of the built web app. */
  webDir: string;
  /** Cloud video providers (IVS, Mux, Cloudflare Stream): config/video.ts. */
  video: VideoConfig;
  /** Lives and the local video provider (config/media.ts). */
  media: MediaConfig;

  // ---- fan-out engine and delivery (issue 6) ----
  /** permessage-deflate on the WebSocket (gateway/permessage-deflate.ts). */
  wsDeflate: {
    /** Whether a gateway accepts a client's permessage-deflate offer. */
    enabled: boolean;
    /** Frames smaller than this (payload bytes) are sent uncompressed. */
    minBytes: number;
  };
  fanout: {
    /** Frames per second a gateway's room fan-out may write before room flushes are spaced out. */
    framesPerSecond: number;
    /** Longest interval between two flushes of a room (ms). */
    maxIntervalMs: number;
    /** Socket writes per slice before fan-out yields to reads, acks and heartbeats. */
    sliceSockets: number;
    /** Mean event-loop delay (ms) above which the budget shrinks to what the node keeps up with; 0: fixed. */
    lagTargetMs: number;
    /** Share of the time (0-1) the fan-out writer may be busy before the budget shrinks; 0: not used. */
    busyTarget: number;
  };
  /** Joins a gateway handles at once, and how many may wait their turn before one is refused (join-gate.ts). */
  joins: { concurrency: number; maxWaiting: number };
  /** How often each gateway reports its room counters (viewers) and sends changed `stats` frames (ms). */
  countersIntervalMs: number;
  /** `stats` socket writes per second per room on a node: a room of M local members gets one every M / this s. */
  statsFramesPerSecond: number;
  /**
   * Send buckets, taken by the one broker call of a send: per (user, room) by the sender's role, and a per-room
   * ceiling for fans and members. null: no limit of that kind. Each is `burst` tokens refilled at `ratePerSecond`.
   */
  sendRate: {
    /** Fans and members. */
    fan: SendRule | null;
    moderator: SendRule | null;
    /** Artists, owners, admins and system messages. */
    artist: SendRule | null;
    /** The room's ceiling over all its fans and members together. */
    room: SendRule | null;
  };
  moderation: ModerationConfig;
  rateLimits: RateLimitsConfig;
  /** How many communities and rooms may be created, and how fast (issue 8). */
  quotas: CreationQuotas;
  translation: TranslationConfig;
}

/** Fandom and moderation (docs/moderation.md). */
export interface ModerationConfig {
  /** Accounts without the creator flag may create communities, labelled fan-made. */
  fanCommunities: boolean;
  /** How long unique-chat mode remembers a text in a room. */
  uniqueChatWindowMs: number;
  /** The pre-send review hook; undefined url: none. */
  review: {
    url: string | undefined;
    secret: string | undefined;
    deadlineMs: number;
    failMode: 'open' | 'closed';
  };
}

/** `limit` events per `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** Join and connect limits, applied by the gateway (the send limits are `sendRate`). */
export interface RateLimitsConfig {
  joinsPerConnection: WindowLimit;
  /** Joins of one account over all its connections, on every gateway (the RateLimiter seam). */
  joinsPerUser: WindowLimit;
  joinsPerAddress: WindowLimit;
  connectsPerAddress: WindowLimit;
  /** Bytes of join replay (`joined.missed`) one account is sent per window; past it a join answers reload. */
  replayBytes: WindowLimit;
}

/** Quotas on creating communities and rooms; platform admins are exempt. */
export interface CreationQuotas {
  /** Communities one account may have created, in all. */
  communitiesPerAccount: number;
  /** Communities one account may create within any window. */
  communityCreates: WindowLimit;
  /** Rooms a community may have, its community room included (lives' rooms are not counted). */
  roomsPerCommunity: number;
  /** Rooms that may be created in one community within any window. */
  roomCreates: WindowLimit;
  /** Lives (each with its room and a provider channel) that may be created in one community within any window. */
  liveCreates: WindowLimit;
}

/** Translation of messages for readers (free for fans). */
export interface TranslationConfig {
  /** DeepL API key; unset: translation is off. */
  deeplApiKey: string | undefined;
  /** DeepL base URL; unset: chosen by the key (":fx" keys use the free API). */
  deeplUrl: string | undefined;
  cacheTtlMs: number;
  timeoutMs: number;
}

export interface SendRule {
  ratePerSecond: number;
  burst: number;
}
