/**
 * Composition root: the only place that picks an implementation for each seam, from Config.
 * Embedded defaults: SQLite file, in-process broker, history, presence and rate limits (embedded-seams.ts).
 * LIGHTSTICK_REDIS_URL: scale-out mode, Redis for all of those and the room streams (redis-seams.ts);
 * LIGHTSTICK_DATABASE_URL: PostgreSQL instead of the SQLite file.
 */
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { systemRuntime, type Runtime } from '../runtime.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { Store } from '../storage/repositories.ts';
import { openSqliteStore } from '../storage/sqlite.ts';
import { openPostgresStore } from '../storage/postgres.ts';
import type { Archiver } from '../chat/archiver.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import { SendService } from '../chat/send-service.ts';
import { CommunityService } from '../chat/communities.ts';
import { TokenService } from '../auth/tokens.ts';
import { AuthService } from '../auth/auth-service.ts';
import { embeddedSeams } from './embedded-seams.ts';
import type { ModeSeams } from './seams.ts';
import type { Services } from './services.ts';

export interface Built {
  mode: ModeSeams['mode'];
  services: Services;
  /** What the gateway gets: `services` with the hot-path store (cached in scale-out mode). */
  gatewayServices: Services;
  tokens: TokenService;
  auth: AuthService;
  communities: CommunityService;
  seeder: RoomSeeder;
  send: SendService;
  /** Scale-out mode with the api role: the archive writer; server.ts starts and stops it. */
  archiver: Archiver | undefined;
  /** Messages waiting for the archive, read now. */
  backlog(): Promise<number>;
  /** Closes every seam, store last. */
  close(): Promise<void>;
}

export function openStore(config: Config): Promise<Store> {
  if (config.databaseUrl) {
    return openPostgresStore(config.databaseUrl, {
      ...(config.databaseSchema !== undefined ? { schema: config.databaseSchema } : {}),
    });
  }
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
  const runtime = opts.runtime ?? systemRuntime;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, nodeId: config.nodeId });
  const metrics = createMetrics(config.nodeId);
  const store = await openStore(config);
  let seams: ModeSeams;
  try {
    const deps = { config, store, runtime, logger, metrics };
    if (config.redisUrl) {
      // Loaded only in scale-out mode: embedded mode never loads the Redis client.
      const { redisSeams } = await import('./redis-seams.ts');
      seams = await redisSeams({ ...deps, redisUrl: config.redisUrl });
    } else {
      seams = embeddedSeams(deps);
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  const { broker, history, presence, rateLimiter, messageLog } = seams;
  const tokens = new TokenService({
    keys: store.signingKeys,
    runtime,
    accessTtlSec: config.auth.accessTtlSec,
    keyRotationDays: config.auth.keyRotationDays,
    issuer: config.auth.issuer,
  });
  const close = async () => {
    await seams.close();
    await store.close();
  };
  try {
    await tokens.init();
  } catch (err) {
    await close();
    throw err;
  }
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
  const send = new SendService({ store: seams.hotStore, rateLimiter, messageLog, runtime });
  return {
    mode: seams.mode,
    services,
    gatewayServices: seams.hotStore === store ? services : { ...services, store: seams.hotStore },
    tokens,
    auth,
    communities,
    seeder: seams.seeder,
    send,
    archiver: seams.archiver,
    backlog: () => seams.backlog(),
    close,
  };
}
