/** Everything app/ builds once from Config; faces (gateway, http) receive what they need from here. */
import type { Config } from '../config/config.ts';
import type { Runtime } from '../runtime.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Store } from '../storage/repositories.ts';
import type { Broker } from '../broker/broker.ts';
import type { HistoryStore } from '../history/history-store.ts';
import type { PresenceStore } from '../presence/presence-store.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { MessageLog } from '../chat/message-log.ts';
import type { TokenVerifier } from '../auth/principal.ts';

export interface Services {
  config: Config;
  runtime: Runtime;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  broker: Broker;
  history: HistoryStore;
  presence: PresenceStore;
  rateLimiter: RateLimiter;
  messageLog: MessageLog;
  tokens: TokenVerifier;
}
