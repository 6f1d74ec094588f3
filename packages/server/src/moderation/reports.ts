/**
 * Reports and the review queue. Anyone who may read a room reports a message in it; the filter and the review
 * hook put held messages in the same queue. Moderators settle each once: user reports are resolved or dismissed,
 * held messages approved (published as the author sent them) or rejected. Settling is audited.
 */
import {
  ModerationLimits,
  type ReportBody,
  type ReportStatus,
  type ReportView,
  type ResolveReportBody,
} from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { ensureCanJoin } from '../auth/guards.ts';
import type { Runtime } from '../runtime.ts';
import type { RateLimiter } from '../ratelimit/rate-limiter.ts';
import type { MessageLog } from '../chat/message-log.ts';
import type { RoomGrant } from '../chat/room-access.ts';
import type { Annotator } from '../chat/send-service.ts';
import type { ReportRecord, Store } from '../storage/repositories.ts';
import { actorOf, auditEntry } from './audit.ts';
import type { MessageFinder } from './message-finder.ts';
import { limitOrRefuse } from './limit.ts';
import { pageOf } from './paging.ts';
import { ModerationRateRules } from './rate-rules.ts';
import { validateReason, type Scopes } from './scope.ts';

export interface ReportServiceDeps {
  store: Pick<Store, 'reports' | 'moderation'>;
  runtime: Runtime;
  scopes: Scopes;
  finder: MessageFinder;
  rateLimiter: RateLimiter;
  /** Publishes approved held messages. */
  messageLog: Pick<MessageLog, 'commit'>;
  annotate?: Annotator;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toReportView(r: ReportRecord): ReportView {
  return {
    id: r.id,
    communityId: r.communityId,
    room: r.room,
    kind: r.kind,
    status: r.status,
    message: r.message,
    reporter: r.reporter,
    reason: r.reason,
    createdAt: new Date(r.createdAt).toISOString(),
    resolvedBy: r.resolvedBy,
    resolvedAt: iso(r.resolvedAt),
    note: r.note,
  };
}

const SETTLES: Record<ReportRecord['kind'], readonly ReportStatus[]> = {
  user: ['resolved', 'dismissed'],
  held: ['approved', 'rejected'],
};

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  /** Reporting a message twice answers the first report (created: false). */
  async report(
    p: Principal,
    roomId: string,
    body: ReportBody,
  ): Promise<{ report: ReportView; created: boolean }> {
    const reason = validateReason(body.reason, 'reason', ModerationLimits.reasonMaxChars, true);
    const scope = await this.deps.scopes.room(p, roomId);
    ensureCanJoin(p, scope.room, scope.membership, scope.sanctions);
    this.deps.scopes.require(p, scope, 'message.report', 'Join the community to report messages');
    await limitOrRefuse(this.deps.rateLimiter, `report:${p.userId}`, ModerationRateRules.reportPerUser);
    const m = await this.deps.finder.find(roomId, body.mid);
    if (m === undefined || (await this.deps.store.moderation.deletions([m.id])).length > 0) {
      throw new AppError('not_found', 'No such message in this room');
    }
    if (m.user.id === p.userId) throw new AppError('forbidden', 'You cannot report your own message');
    const { report, created } = await this.deps.store.reports.create({
      id: this.deps.runtime.id(),
      communityId: scope.communityId,
      room: roomId,
      kind: 'user',
      status: 'open',
      message: { id: m.id, cid: m.cid, user: m.user, role: m.role, text: m.text, ts: m.ts },
      reporter: actorOf(p),
      reason,
      createdAt: this.deps.runtime.now(),
      resolvedBy: null,
      resolvedAt: null,
      note: '',
    });
    return { report: toReportView(report), created };
  }

  /** The send pipeline holds a message for review: it goes to the queue instead of the room. */
  async hold(
    grant: RoomGrant,
    p: Principal,
    text: string,
    cid: string,
    reason: string,
  ): Promise<ReportRecord> {
    const now = this.deps.runtime.now();
    const { report } = await this.deps.store.reports.create({
      id: this.deps.runtime.id(),
      communityId: grant.room.communityId,
      room: grant.room.id,
      kind: 'held',
      status: 'open',
      message: {
        id: this.deps.runtime.id(),
        cid,
        user: { id: p.userId, name: p.name, displayName: p.displayName },
        role: grant.role,
        text,
        ts: now,
      },
      reporter: null,
      reason,
      createdAt: now,
      resolvedBy: null,
      resolvedAt: null,
      note: '',
    });
    return report;
  }

  async list(
    p: Principal,
    communityId: string,
    opts: { status?: ReportStatus; limit: number; after?: string },
  ): Promise<{ items: ReportView[]; next: string | null }> {
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'reports.review', 'Moderators and up see reports');
    const rows = await this.deps.store.reports.list(communityId, { ...opts, limit: opts.limit + 1 });
    const page = pageOf(rows, opts.limit, (r) => r.id);
    return { items: page.rows.map(toReportView), next: page.next };
  }

  async resolve(
    p: Principal,
    communityId: string,
    reportId: string,
    body: ResolveReportBody,
  ): Promise<ReportView> {
    const note = validateReason(body.note, 'note', ModerationLimits.noteMaxChars);
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'reports.review', 'Moderators and up settle reports');
    const report = await this.deps.store.reports.byId(reportId);
    if (report === undefined || report.communityId !== communityId)
      throw new AppError('not_found', 'No such report');
    if (!SETTLES[report.kind].includes(body.status)) {
      throw new AppError(
        'validation_failed',
        `A ${report.kind} report is settled as ${SETTLES[report.kind].join(' or ')}`,
        {
          details: { field: 'status' },
        },
      );
    }
    if (report.status !== 'open') throw new AppError('conflict', `This report was already ${report.status}`);
    // Published before it is marked approved: a second approval re-commits the same cid, which the log dedups.
    if (body.status === 'approved') await this.publish(report);
    const settled = await this.deps.store.reports.resolve(
      reportId,
      { status: body.status, by: actorOf(p), at: this.deps.runtime.now(), note },
      auditEntry(this.deps.runtime, p, 'report.resolve', {
        communityId,
        room: report.room,
        targetUserId: report.message.user.id,
        targetMessageId: report.message.id,
        details: { report: reportId, kind: report.kind, status: body.status },
      }),
    );
    if (settled === undefined) throw new AppError('conflict', 'This report was settled meanwhile');
    return toReportView(settled);
  }

  private async publish(report: ReportRecord): Promise<void> {
    const m = report.message;
    const draft = {
      id: m.id,
      room: report.room,
      cid: m.cid,
      user: m.user,
      role: m.role,
      priority: false,
      text: m.text,
      ts: this.deps.runtime.now(),
    };
    const annotations = this.deps.annotate === undefined ? {} : await this.deps.annotate(m.text);
    await this.deps.messageLog.commit({ ...draft, ...annotations });
  }
}
