/** Embedded mode: in-process broker, history, presence and rate limits; group commit into the SQL archive. */
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import { MemoryBroker } from '../broker/memory.ts';
import { MemoryHistoryStore } from '../history/memory.ts';
import { MemoryPresenceStore } from '../presence/memory.ts';
import { MemoryRateLimiter } from '../ratelimit/memory.ts';
import { EmbeddedMessageLog } from '../chat/embedded-log.ts';
import { HistorySeeder } from '../chat/history-seeder.ts';
import type { ModeSeams } from './seams.ts';

export function embeddedSeams(deps: {
  config: Config;
  store: Store;
  runtime: Runtime;
  logger: Logger;
  metrics: Metrics;
}): ModeSeams {
  const { config, store, runtime, logger, metrics } = deps;
  const broker = new MemoryBroker();
  const history = new MemoryHistoryStore(runtime);
  const presence = new MemoryPresenceStore(runtime);
  const rateLimiter = new MemoryRateLimiter(runtime);
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
  return {
    mode: 'embedded',
    broker,
    history,
    presence,
    rateLimiter,
    messageLog,
    seeder,
    hotStore: store,
    archiver: undefined,
    backlog: () => Promise.resolve(messageLog.backlog()),
    async close() {
      await Promise.allSettled([broker.close(), history.close(), presence.close(), rateLimiter.close()]);
    },
  };
}
