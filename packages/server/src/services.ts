/** Everything the composition root (app/) builds once from Config; faces (gateway, http) receive what they need from here. */
import type { Config } from './config/config.ts';
import type { Runtime } from './runtime.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { Store } from './storage/repositories.ts';
import type { Broker } from './broker/broker.ts';
import type { PresenceStore } from './presence/presence-store.ts';
import type { ConnectionCounts } from './presence/connection-counts.ts';
import type { RateLimiter } from './ratelimit/rate-limiter.ts';
import type { MessageLog } from './chat/message-log.ts';
import type { TokenVerifier } from './auth/principal.ts';

export interface Services {
  config: Config;
  runtime: Runtime;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  broker: Broker;
  presence: PresenceStore;
  /** Scale-out mode: sockets per account counted across gateways; absent in embedded mode. */
  connections?: ConnectionCounts;
  rateLimiter: RateLimiter;
  /**
   * Where a join takes from its account's limit: `rateLimiter`'s takes, gathered in scale-out mode so fans
   * joining one after another share Redis's writes (gathered-calls.ts); absent, `rateLimiter` itself.
   */
  joinRateLimiter?: Pick<RateLimiter, 'consume'>;
  messageLog: MessageLog;
  tokens: TokenVerifier;
}
