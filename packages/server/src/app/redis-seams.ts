/**
 * Scale-out mode (LIGHTSTICK_REDIS_URL): broker, hot history, presence, rate limits and the message log on
 * Redis. A message is acknowledged once it is in its room's Redis stream; processes with the api role run the
 * Archiver, which feeds PostgreSQL from the streams. Redis has no seeding to do, and the gateway reads rooms and
 * memberships through a cache so PostgreSQL trouble does not stop sends (app/access-cache.ts).
 */
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import { createRedisClients } from '../broker/redis-clients.ts';
import { RedisBroker } from '../broker/redis.ts';
import { RedisRoomStream } from '../history/redis-stream.ts';
import { RedisPresenceStore } from '../presence/redis.ts';
import { RedisConnectionCounts } from '../presence/redis-connections.ts';
import { RedisRateLimiter } from '../ratelimit/redis.ts';
import { RedisRevocationList } from '../revocation/redis.ts';
import { Archiver } from '../chat/archiver.ts';
import { noRoomSeeder } from '../chat/room-seeder.ts';
import { StreamMessageLog } from '../chat/stream-log.ts';
import { RedisModerationState } from '../moderation/state/redis.ts';
import { RedisTranslationCache } from '../translation/cache/redis.ts';
import { cachedAccessStore } from './access-cache.ts';
import { measuredArchive } from './instrument.ts';
import { connectionTtlMs, revocationTtlMs, type ModeSeams } from './seams.ts';

export async function redisSeams(deps: {
  config: Config;
  redisUrl: string;
  store: Store;
  runtime: Runtime;
  logger: Logger;
  metrics: Metrics;
}): Promise<ModeSeams> {
  const { config, store, runtime, logger, metrics } = deps;
  const redisLog = logger.child({ component: 'redis' });
  let warned = false;
  const clients = await createRedisClients(deps.redisUrl, {
    prefix: config.redisPrefix,
    cluster: config.redisCluster,
    // ioredis reports every failed reconnect; one line per outage is enough (readiness shows the rest).
    onError: (err) => {
      if (warned) return;
      warned = true;
      redisLog.error({ err }, 'Redis connection lost; reconnecting with backoff');
    },
  });
  clients.command.on('ready', () => {
    if (warned) redisLog.warn('Redis connection back');
    warned = false;
  });

  const broker = new RedisBroker(clients, {
    nodeId: config.nodeId,
    runtime,
    historyDefaults: config.history,
    logger: redisLog,
    // Interest-based subscription is measured by this: a node with no member in a room receives nothing for it.
    onReceived: (channel) => metrics.brokerReceived.inc({ kind: channel === 'control' ? 'control' : 'room' }),
  });
  const stream = new RedisRoomStream(clients, runtime);
  const presence = new RedisPresenceStore(clients, runtime);
  const connections = new RedisConnectionCounts(clients, runtime, {
    node: config.nodeId,
    intervalMs: config.countersIntervalMs,
    ttlMs: connectionTtlMs(config),
    logger: redisLog,
  });
  const rateLimiter = new RedisRateLimiter(clients, runtime);
  const revocations = new RedisRevocationList(clients, revocationTtlMs(config));
  const moderationState = new RedisModerationState(clients);
  const translationCache = new RedisTranslationCache(clients);
  const messageLog = new StreamMessageLog({
    broker,
    stream,
    metrics,
    logger,
    options: {
      history: config.history,
      maxBacklog: config.archive.maxBacklog,
      dedupTtlMs: config.dedupTtlMs,
    },
  });
  const archiver = config.roles.has('api')
    ? new Archiver({
        stream,
        messages: measuredArchive(store.messages, metrics, runtime),
        metrics,
        logger: logger.child({ component: 'archiver' }),
        random: () => runtime.random(4).readUInt32BE(0) / 2 ** 32,
      })
    : undefined;

  return {
    mode: 'scale-out',
    broker,
    presence,
    connections,
    rateLimiter,
    revocations,
    messageLog,
    moderationState,
    translationCache,
    findHistory: broker,
    seeder: noRoomSeeder,
    hotStore: cachedAccessStore(store, { runtime }),
    archiver,
    backlog: () => messageLog.refreshBacklog(),
    async close() {
      await Promise.allSettled([
        broker.close(),
        stream.close(),
        presence.close(),
        connections.close(),
        rateLimiter.close(),
        revocations.close(),
        moderationState.close(),
        translationCache.close(),
      ]);
      await clients.close();
    },
  };
}
