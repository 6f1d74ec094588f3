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
  /** redis:// URL; when unset broker, history, presence and rate limits are in-process. */
  redisUrl: string | undefined;
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
    /** Queued messages at most; past it sends are refused with `unavailable`. */
    maxBacklog: number;
  };
  /** Deadline for SIGTERM drain before exit. */
  drainTimeoutMs: number;
  /** Folder of the built web app. */
  webDir: string;
}
