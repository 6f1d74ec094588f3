/**
 * Composition root: the only place that picks an implementation for each seam, from Config.
 * Embedded defaults: SQLite file, in-process broker, history, presence and rate limits.
 */
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { ConfigError } from '../config/load.ts';
import { systemRuntime, type Runtime } from '../runtime.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { Store } from '../storage/repositories.ts';
import { openSqliteStore } from '../storage/sqlite.ts';
import { openPostgresStore } from '../storage/postgres.ts';
import { MemoryBroker } from '../broker/memory.ts';
import { MemoryHistoryStore } from '../history/memory.ts';
import { MemoryPresenceStore } from '../presence/memory.ts';
import { MemoryRateLimiter } from '../ratelimit/memory.ts';
import { EmbeddedMessageLog } from '../chat/embedded-log.ts';
import { HistorySeeder } from '../chat/history-seeder.ts';
import { SendService } from '../chat/send-service.ts';
import { CommunityService } from '../chat/communities.ts';
import { TokenService } from '../auth/tokens.ts';
import { AuthService } from '../auth/auth-service.ts';
import type { Services } from './services.ts';

export interface Built {
  services: Services;
  tokens: TokenService;
  auth: AuthService;
  communities: CommunityService;
  seeder: HistorySeeder;
  send: SendService;
  /** Closes every seam, store last. */
  close(): Promise<void>;
}

export function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) return openPostgresStore(config.databaseUrl);
  return openSqliteStore(path.join(config.dataDir, 'lightstick.db'));
}

/** `lightstick migrate`: opening a store runs its migrations. */
export async function migrateOnly(config: Config): Promise<void> {
  const store = await openStore(config);
  await store.close();
}

export async function buildServices(
  config: Config,
  opts: { runtime?: Runtime; logger?: Logger } = {},
): Promise<Built> {
  if (config.redisUrl) {
    throw new ConfigError(
      'LIGHTSTICK_REDIS_URL is set, but this build runs the in-process broker only; unset it',
    );
  }
  const runtime = opts.runtime ?? systemRuntime;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, nodeId: config.nodeId });
  const metrics = createMetrics(config.nodeId);
  const store = await openStore(config);
  const broker = new MemoryBroker();
  const history = new MemoryHistoryStore(runtime);
  const presence = new MemoryPresenceStore(runtime);
  const rateLimiter = new MemoryRateLimiter(runtime);
  const tokens = new TokenService({
    keys: store.signingKeys,
    runtime,
    accessTtlSec: config.auth.accessTtlSec,
    keyRotationDays: config.auth.keyRotationDays,
    issuer: config.auth.issuer,
  });
  await tokens.init();
  const seeder = new HistorySeeder({ store, history, historyOptions: config.history, runtime, logger });
  const messageLog = new EmbeddedMessageLog({
    messages: store.messages,
    history,
    broker,
    runtime,
    metrics,
    logger,
    groupCommitMs: config.archive.groupCommitMs,
    maxBacklog: config.archive.maxBacklog,
    historyOptions: config.history,
    seeder,
  });
  const services: Services = {
    config,
    runtime,
    logger,
    metrics,
    store,
    broker,
    history,
    presence,
    rateLimiter,
    messageLog,
    tokens,
  };
  const auth = new AuthService({
    store,
    tokens,
    rateLimiter,
    runtime,
    refreshTtlSec: config.auth.refreshTtlSec,
  });
  const communities = new CommunityService({ store, runtime });
  const send = new SendService({ store, rateLimiter, messageLog, runtime });
  return {
    services,
    tokens,
    auth,
    communities,
    seeder,
    send,
    async close() {
      await Promise.allSettled([broker.close(), history.close(), presence.close(), rateLimiter.close()]);
      await store.close();
    },
  };
}
