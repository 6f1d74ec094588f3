/** The one validated, typed configuration. Built by config/load.ts from environment and flags. */
export type Role = 'gateway' | 'api' | 'web' | 'media' | 'all';

export interface Config {
  roles: Set<Exclude<Role, 'all'>>;
  host: string;
  port: number;
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
  /** Unique per process; in logs, metrics and broker control messages. */
  nodeId: string;
  auth: {
    accessTtlSec: number;
    refreshTtlSec: number;
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
}
