/** Everything fandom and moderation offers the faces (HTTP routes now, WebSocket ops next): built by app/moderation.ts. */
import type { RoomMode } from '@lightstick/protocol';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { Annotator, SendCheck } from '../chat/send-service.ts';
import type { TranslationService } from '../translation/translation-service.ts';
import type { AuditLog } from './audit-log.ts';
import type { Cached } from '../read-through-cache.ts';
import type { FilterSettingsService } from './filter/filter-settings.ts';
import type { PlatformAdmin } from './platform.ts';
import type { ReportService } from './reports.ts';
import type { RoomModeration } from './room-moderation.ts';
import type { UserModeration } from './user-moderation.ts';

export interface ModerationServices {
  rooms: RoomModeration;
  users: UserModeration;
  reports: ReportService;
  audit: AuditLog;
  filters: FilterSettingsService;
  platform: PlatformAdmin;
  translation: TranslationService;
  rateLimiter: RateLimiter;
  /** The send pipeline's moderation checks, in order. */
  checks: SendCheck[];
  annotate: Annotator;
  /** Room modes as the send checks read them (the realtime layer forgets a room on a `mode` control message). */
  modes: Cached<RoomMode>;
}
