/**
 * Composition root: the only place that picks an implementation for each seam, from Config.
 * Embedded defaults: SQLite file, in-process broker, history, presence and rate limits (embedded-seams.ts).
 * LIGHTSTICK_REDIS_URL: scale-out mode, Redis for all of those and the room streams (redis-seams.ts);
 * LIGHTSTICK_DATABASE_URL: PostgreSQL instead of the SQLite file.
 */
import path from 'node:path';
import type { Config, Role } from '../config/config.ts';
import { systemRuntime, type Runtime } from '../runtime.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { Store } from '../storage/repositories.ts';
import type { SecretSealer } from '../storage/secret-sealer.ts';
import type { Archiver } from '../chat/archiver.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import type { SendCheck, SendService } from '../chat/send-service.ts';
import { CommunityService } from '../chat/communities.ts';
import { TokenService } from '../auth/tokens.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { embeddedSeams } from './embedded-seams.ts';
import { MeasuredSendService } from './instrument.ts';
import { buildModeration, type ModerationServices } from './moderation.ts';
import { CachedTokenVerifier } from './token-cache.ts';
import { RevocationCache } from './revocation-cache.ts';
import { RevokingTokenVerifier } from '../auth/session-ends.ts';
import { seedRevocations, sessionEnds } from './session-ends.ts';
import { revocationTtlMs } from './seams.ts';
import { keyVault } from './key-encryption.ts';
import type { ModeSeams } from './seams.ts';
import type { Services } from '../services.ts';
import { buildLives, type LivesBuilt } from './lives.ts';
import { gathered } from '../gathered-calls.ts';
import { BrokerModerationEvents } from '../gateway/moderation-events.ts';
import { MessageFinder } from '../moderation/message-finder.ts';
import type { StreamProvider } from '../lives/providers/stream-provider.ts';

export interface Built {
  mode: ModeSeams['mode'];
  services: Services;
  /** What the gateway gets: `services` with the hot-path store (cached in scale-out mode). */
  gatewayServices: Services;
  /** Scale-out mode: the gateway's remembered revocation checks; told each `session.revoked` (server.ts). */
  revocationCache: RevocationCache | undefined;
  tokens: TokenService;
  /** Signing up and in: built only in a process with an HTTP app (`HTTP_APP_ROLES`). */
  auth: AuthService | undefined;
  communities: CommunityService;
  seeder: RoomSeeder;
  send: SendService;
  /** Lives, providers and (media role) the local ingest; server.ts starts and stops them. */
  lives: LivesBuilt;
  /** Room modes, moderation actions, reports, filters, audit, platform flags, translation. */
  moderation: ModerationServices;
  /** Scale-out mode with the api role: the archive writer; server.ts starts and stops it. */
  archiver: Archiver | undefined;
  /** Messages waiting for the archive, read now. */
  backlog(): Promise<number>;
  /** Closes every seam, store last. */
  close(): Promise<void>;
}

/**
 * The roles served by the Fastify app (HTTP API, web app, media files). A process with none of them (`--role
 * gateway`) never loads Fastify (a dynamic import, a chunk of its own in the compiled server) nor the sign-in
 * service.
 */
const HTTP_APP_ROLES: readonly Exclude<Role, 'all'>[] = ['api', 'web', 'media'];

/** Whether this process serves the Fastify app (one of `HTTP_APP_ROLES`). */
export const servesHttpApp = (config: Config): boolean => HTTP_APP_ROLES.some((r) => config.roles.has(r));

/** `sealer`: the KeyVault that seals the secrets the store holds (absent for `migrate`, which reads none). */
export async function openStore(config: Config, sealer?: SecretSealer): Promise<Store> {
  if (config.databaseUrl) {
    // Loaded only in PostgreSQL mode: an embedded (SQLite) process never holds the pg driver (issue 6: idle RSS).
    const { openPostgresStore } = await import('../storage/postgres.ts');
    return openPostgresStore(config.databaseUrl, {
      ...(config.databaseSchema !== undefined ? { schema: config.databaseSchema } : {}),
      ...(sealer ? { sealer } : {}),
    });
  }
  // And the SQLite driver (a native addon) only in embedded mode: a scale-out process never maps it.
  const { openSqliteStore } = await import('../storage/sqlite.ts');
  return openSqliteStore(path.join(config.dataDir, 'lightstick.db'), sealer ? { sealer } : {});
}

/** `lightstick migrate`: opening a store runs its migrations. */
export async function migrateOnly(config: Config): Promise<void> {
  const store = await openStore(config);
  await store.close();
}

export async function buildServices(
  config: Config,
  opts: { runtime?: Runtime; logger?: Logger; providers?: StreamProvider[]; sendChecks?: SendCheck[] } = {},
): Promise<Built> {
  const runtime = opts.runtime ?? systemRuntime;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, nodeId: config.nodeId });
  const metrics = createMetrics(config.nodeId);
  // Before the store opens: a bad key-encryption key stops the start with nothing to close.
  const vault = keyVault(config);
  const store = await openStore(config, vault);
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
  const { broker, presence, rateLimiter, messageLog } = seams;
  const tokens = new TokenService({
    keys: store.signingKeys,
    runtime,
    accessTtlSec: config.auth.accessTtlSec,
    keyRotationDays: config.auth.keyRotationDays,
    issuer: config.auth.issuer,
    vault,
  });
  const built: { lives?: LivesBuilt } = {};
  const close = async () => {
    await built.lives?.stop();
    await seams.close();
    await store.close();
  };
  try {
    await tokens.init();
    // Stream keys and playback secrets stored in clear (before issue 8) or under a previous KEK.
    const resealed = await store.localChannels.reseal();
    if (resealed > 0)
      logger.info({ channels: resealed }, 'stream keys sealed under the current key-encryption key');
    await seedRevocations(seams.revocations, store.sessions, runtime, revocationTtlMs(config));
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
    presence,
    ...(seams.connections ? { connections: seams.connections } : {}),
    rateLimiter,
    messageLog,
    // HTTP requests: a valid signature is not enough, the token's sign-in must not be revoked.
    tokens: new RevokingTokenVerifier(tokens, seams.revocations),
  };
  // Signing up and in is served over HTTP only. A gateway-only process neither builds nor loads it: the module
  // brings Unicode's look-alike name tables (about 1.3 MB of heap) that an idle gateway held for nothing
  // (issue 6, part 6).
  const auth = servesHttpApp(config)
    ? new (await import('../auth/auth-service.ts')).AuthService({
        store,
        tokens,
        rateLimiter,
        runtime,
        refreshTtlSec: config.auth.refreshTtlSec,
        sessionMaxAgeDays: config.auth.sessionMaxAgeDays,
        sessionEnds: sessionEnds({ revocations: seams.revocations, broker, logger }),
        logger,
      })
    : undefined;
  // Moderation changes reach live connections on every gateway as control messages (gateway/fandom-control.ts).
  const events = new BrokerModerationEvents(broker, logger);
  const moderation = buildModeration({
    events,
    config,
    store,
    hotStore: seams.hotStore,
    runtime,
    logger,
    rateLimiter,
    messageLog,
    history: seams.findHistory,
    state: seams.moderationState,
    translationCache: seams.translationCache,
  });
  const communities = new CommunityService({
    store,
    runtime,
    fanCommunities: config.moderation.fanCommunities,
    events,
    quotas: config.quotas,
  });
  const replyFinder = new MessageFinder(store.messages, seams.findHistory);
  const lives = await buildLives(config, services, opts.providers);
  built.lives = lives;
  const send = new MeasuredSendService(
    {
      store: seams.hotStore,
      messageLog,
      sendRate: config.sendRate,
      runtime,
      checks: [...moderation.checks, ...(opts.sendChecks ?? [])],
      annotate: moderation.annotate,
      // A reply carries the message it answers: found in the archive or hot history, never a deleted one.
      replies: async (room, mid) => {
        const m = await replyFinder.find(room, mid);
        if (m === undefined) return undefined;
        return (await store.moderation.deletions([mid])).length > 0 ? undefined : m;
      },
    },
    metrics,
  );
  // Scale-out mode: a sign-in this gateway checked recently costs no Redis call (revocation-cache.ts), and the
  // checks of those it has not are gathered (gathered-calls.ts). In-process the list is memory already.
  const revocationCache =
    seams.mode === 'scale-out'
      ? new RevocationCache(
          { has: gathered((id: string) => seams.revocations.has(id)) },
          {
            runtime,
            continuity: () => broker.continuity(),
            revokedTtlMs: revocationTtlMs(config),
          },
        )
      : undefined;
  return {
    mode: seams.mode,
    services,
    // The gateway verifies tokens through a cache (re-auths and reconnects cost a look-up) and reads rooms and
    // memberships through the mode's hot store (cached in scale-out mode), where the joins' account limits are
    // gathered too.
    gatewayServices: {
      ...services,
      store: seams.hotStore,
      ...(seams.mode === 'scale-out'
        ? { joinRateLimiter: { consume: gathered(rateLimiter.consume.bind(rateLimiter)) } }
        : {}),
      // The revocation check sits outside the cache, so a cached token of a revoked sign-in is refused too.
      tokens: new RevokingTokenVerifier(
        new CachedTokenVerifier(tokens, { runtime }),
        revocationCache ?? seams.revocations,
      ),
    },
    revocationCache,
    tokens,
    auth,
    communities,
    seeder: seams.seeder,
    send,
    lives,
    moderation,
    archiver: seams.archiver,
    backlog: () => seams.backlog(),
    close,
  };
}
