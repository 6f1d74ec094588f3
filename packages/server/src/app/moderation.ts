/**
 * Builds fandom and moderation from Config: the send checks and message annotations of the send pipeline, the
 * moderation, report, filter, audit and platform services behind the HTTP routes, and translation. The only place
 * that picks the review hook adapter and the translation provider.
 */
import type { RoomMode } from '@lightstick/protocol';
import type { Config } from '../config/config.ts';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import type { Broker } from '../broker/broker.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { MessageLog } from '../chat/message-log.ts';
import { RoomAccess } from '../chat/room-access.ts';
import { createAnnotator } from '../chat/annotate.ts';
import { AuditLog } from '../moderation/audit-log.ts';
import { Cached } from '../read-through-cache.ts';
import type { ModerationEvents } from '../moderation/events.ts';
import { FilterSettingsService } from '../moderation/filter/filter-settings.ts';
import { MessageFinder } from '../moderation/message-finder.ts';
import type { ModerationState } from '../moderation/mode-state.ts';
import { PlatformAdmin } from '../moderation/platform.ts';
import { ReportService } from '../moderation/reports.ts';
import type { ReviewPolicy } from '../moderation/review-hook.ts';
import { RoomModeration } from '../moderation/room-moderation.ts';
import { defaultMode, toRoomMode } from '../moderation/room-modes.ts';
import { Scopes } from '../moderation/scope.ts';
import { moderationChecks } from '../moderation/send-checks.ts';
import { UserModeration } from '../moderation/user-moderation.ts';
import { HttpReviewHook } from '../moderation/adapters/http-review/http-review-hook.ts';
import type { TranslationCache } from '../translation/translation-cache.ts';
import type { TranslationProvider } from '../translation/translation-provider.ts';
import { TranslationService } from '../translation/translation-service.ts';
import type { ModerationServices } from '../moderation/moderation-services.ts';

export type { ModerationServices } from '../moderation/moderation-services.ts';
import { DeeplProvider } from '../translation/adapters/deepl/deepl-provider.ts';

export interface ModerationDeps {
  config: Pick<Config, 'moderation' | 'translation'>;
  /** The store the HTTP API uses. */
  store: Store;
  /** The store the send path reads (cached in scale-out mode). */
  hotStore: Store;
  runtime: Runtime;
  logger: Logger;
  rateLimiter: RateLimiter;
  messageLog: Pick<MessageLog, 'commit'>;
  /** Scale-out mode: hot history, where a message not yet archived is found. */
  history: Pick<Broker, 'history'> | undefined;
  state: ModerationState;
  translationCache: TranslationCache;
  events?: ModerationEvents;
  /** Tests: another provider (a local server speaking DeepL's API is configured through Config instead). */
  provider?: TranslationProvider;
}

export function buildModeration(deps: ModerationDeps): ModerationServices {
  const { config, store, runtime, logger } = deps;
  const log = logger.child({ component: 'moderation' });
  const events = deps.events;
  const scopes = new Scopes(store, runtime);
  const finder = new MessageFinder(store.messages, deps.history);
  const modes = new Cached<RoomMode>(
    async (room) => toRoomMode(await deps.hotStore.moderation.roomMode(room), room),
    {
      runtime,
      freshMs: 1000,
      // The database is down and the room's mode was never read: no restrictions rather than no chat.
      fallback: defaultMode,
      onError: (err, room) => log.warn({ err, room }, 'room mode unavailable; using the last known'),
    },
  );
  const filters = new FilterSettingsService({
    store: deps.hotStore,
    runtime,
    scopes,
    ...(events ? { events } : {}),
    onError: (err, communityId) =>
      log.warn({ err, communityId }, 'filter settings unavailable; using the last known'),
  });
  const annotate = createAnnotator({ users: deps.hotStore.users, runtime });
  const reports = new ReportService({
    store,
    runtime,
    scopes,
    finder,
    rateLimiter: deps.rateLimiter,
    messageLog: deps.messageLog,
    annotate,
  });
  const { review } = config.moderation;
  const policy: ReviewPolicy | undefined =
    review.url === undefined
      ? undefined
      : {
          hook: new HttpReviewHook({
            url: review.url,
            ...(review.secret !== undefined ? { secret: review.secret } : {}),
            now: () => runtime.now(),
          }),
          deadlineMs: review.deadlineMs,
          failMode: review.failMode,
        };
  const checks = moderationChecks({
    modes,
    state: deps.state,
    filters,
    reports,
    ...(policy ? { review: policy } : {}),
    uniqueWindowMs: config.moderation.uniqueChatWindowMs,
    logger: log,
  });
  const { translation: t } = config;
  const provider =
    deps.provider ??
    (t.deeplApiKey === undefined
      ? undefined
      : new DeeplProvider({
          apiKey: t.deeplApiKey,
          ...(t.deeplUrl !== undefined ? { baseUrl: t.deeplUrl } : {}),
        }));
  const withEvents = events ? { events } : {};
  return {
    rooms: new RoomModeration({ store, runtime, scopes, finder, modes, ...withEvents }),
    users: new UserModeration({ store, runtime, scopes, ...withEvents }),
    reports,
    audit: new AuditLog({ store, scopes }),
    filters,
    platform: new PlatformAdmin({ store, runtime }),
    translation: new TranslationService({
      access: new RoomAccess(store, runtime),
      finder,
      store,
      rateLimiter: deps.rateLimiter,
      cache: deps.translationCache,
      provider,
      cacheTtlMs: t.cacheTtlMs,
      timeoutMs: t.timeoutMs,
    }),
    rateLimiter: deps.rateLimiter,
    checks,
    annotate,
    modes,
  };
}
