/** Embedded mode: in-process broker, history, presence and rate limits; group commit into the SQL archive. */
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import { MemoryBroker, MemoryBus } from '../broker/memory.ts';
import { MemoryPresenceStore } from '../presence/memory.ts';
import { MemoryRateLimiter } from '../ratelimit/memory.ts';
import { MemoryRevocationList } from '../revocation/memory.ts';
import { EmbeddedMessageLog } from '../chat/embedded-log.ts';
import { HistorySeeder } from '../chat/history-seeder.ts';
import { MemoryModerationState } from '../moderation/state/memory.ts';
import { MemoryTranslationCache } from '../translation/cache/memory.ts';
import { revocationTtlMs, type ModeSeams } from './seams.ts';

export function embeddedSeams(deps: {
  config: Config;
  store: Store;
  runtime: Runtime;
  logger: Logger;
  metrics: Metrics;
}): ModeSeams {
  const { config, store, runtime, logger, metrics } = deps;
  const broker = new MemoryBroker({ nodeId: config.nodeId, bus: new MemoryBus(runtime) });
  const presence = new MemoryPresenceStore(runtime);
  const rateLimiter = new MemoryRateLimiter(runtime);
  const revocations = new MemoryRevocationList(runtime, revocationTtlMs(config));
  const moderationState = new MemoryModerationState();
  const translationCache = new MemoryTranslationCache({ now: () => runtime.now() });
  const seeder = new HistorySeeder({
    store,
    history: broker,
    historyOptions: config.history,
    runtime,
    logger,
  });
  const messageLog = new EmbeddedMessageLog({
    messages: store.messages,
    broker,
    runtime,
    metrics,
    logger,
    groupCommitMs: config.archive.groupCommitMs,
    maxBacklog: config.archive.maxBacklog,
    historyOptions: config.history,
    dedupTtlMs: config.dedupTtlMs,
    seeder,
  });
  return {
    mode: 'embedded',
    broker,
    presence,
    connections: undefined,
    rateLimiter,
    revocations,
    messageLog,
    moderationState,
    translationCache,
    findHistory: undefined,
    seeder,
    hotStore: store,
    archiver: undefined,
    backlog: () => Promise.resolve(messageLog.backlog()),
    async close() {
      await Promise.allSettled([
        broker.close(),
        presence.close(),
        rateLimiter.close(),
        revocations.close(),
        moderationState.close(),
        translationCache.close(),
      ]);
    },
  };
}
