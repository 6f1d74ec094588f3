/**
 * The moderation and translation HTTP routes of issue 11 (docs/http-api.md) over ApiClient's generic `call`,
 * so the components need nothing new from the SDK. When the SDK grows named methods, these can forward.
 */
import type { ApiClient } from '@lightstick/client';
import type {
  AuditPage,
  BanBody,
  DeletedView,
  FilterSettings,
  PinnedView,
  PutRoomModeBody,
  ReportsPage,
  ReportView,
  ResolveReportBody,
  RoomMode,
  SanctionView,
  TimeoutBody,
  TranslationView,
} from '@lightstick/protocol';

const enc = encodeURIComponent;

export class ModerationApi {
  constructor(private readonly api: ApiClient) {}

  mode(room: string): Promise<RoomMode> {
    return this.api.call('GET', `/api/rooms/${enc(room)}/mode`);
  }
  setMode(room: string, body: PutRoomModeBody): Promise<RoomMode> {
    return this.api.call('PUT', `/api/rooms/${enc(room)}/mode`, { body });
  }
  deleteMessage(room: string, mid: string): Promise<DeletedView> {
    return this.api.call('DELETE', `/api/rooms/${enc(room)}/messages/${enc(mid)}`);
  }
  pin(room: string, mid: string | null): Promise<PinnedView> {
    return this.api.call('PUT', `/api/rooms/${enc(room)}/pin`, { body: { mid } });
  }
  pinned(room: string): Promise<PinnedView> {
    return this.api.call('GET', `/api/rooms/${enc(room)}/pin`);
  }
  timeout(community: string, body: TimeoutBody): Promise<SanctionView> {
    return this.api.call('POST', `/api/communities/${enc(community)}/timeouts`, { body });
  }
  ban(community: string, body: BanBody): Promise<SanctionView> {
    return this.api.call('POST', `/api/communities/${enc(community)}/bans`, { body });
  }
  unban(community: string, userId: string): Promise<unknown> {
    return this.api.call('DELETE', `/api/communities/${enc(community)}/bans/${enc(userId)}`);
  }
  report(room: string, mid: string, reason: string): Promise<ReportView> {
    return this.api.call('POST', `/api/rooms/${enc(room)}/reports`, { body: { mid, reason } });
  }
  reports(community: string, status: ReportView['status'] = 'open'): Promise<ReportsPage> {
    return this.api.call('GET', `/api/communities/${enc(community)}/reports?status=${enc(status)}`);
  }
  resolveReport(community: string, reportId: string, body: ResolveReportBody): Promise<ReportView> {
    return this.api.call('PUT', `/api/communities/${enc(community)}/reports/${enc(reportId)}`, { body });
  }
  audit(community: string): Promise<AuditPage> {
    return this.api.call('GET', `/api/communities/${enc(community)}/audit`);
  }
  filter(community: string): Promise<FilterSettings> {
    return this.api.call('GET', `/api/communities/${enc(community)}/filter`);
  }
  setFilter(community: string, body: FilterSettings): Promise<FilterSettings> {
    return this.api.call('PUT', `/api/communities/${enc(community)}/filter`, { body });
  }
  translation(room: string, mid: string, lang: string): Promise<TranslationView> {
    return this.api.call('GET', `/api/rooms/${enc(room)}/messages/${enc(mid)}/translation?lang=${enc(lang)}`);
  }
}

const cache = new WeakMap<ApiClient, ModerationApi>();

/** One ModerationApi per ApiClient, so components can take the ApiClient as their prop. */
export function moderation(api: ApiClient): ModerationApi {
  let m = cache.get(api);
  if (!m) cache.set(api, (m = new ModerationApi(api)));
  return m;
}
