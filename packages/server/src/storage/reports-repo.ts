/** The report and review queue (migration 0004): user reports and messages held by the filter or review hook. */
import type { Kysely } from 'kysely';
import type { ReportKind, ReportStatus, ReportedMessage } from '@lightstick/protocol';
import { guard, uniqueViolation } from './db-errors.ts';
import { insertAudit } from './audit-repo.ts';
import type { ActorRef, AuditRecord, ReportRecord, ReportsRepo } from './moderation-records.ts';
import type { ReportRow, Schema } from './schema.ts';

const actor = (id: string | null, name: string | null): ActorRef | null =>
  id === null ? null : { id, name: name ?? '' };

const toReport = (r: ReportRow): ReportRecord => ({
  id: r.id,
  communityId: r.community_id,
  room: r.room_id,
  kind: r.kind as ReportKind,
  status: r.status as ReportStatus,
  message: JSON.parse(r.message) as ReportedMessage,
  reporter: actor(r.reporter_id, r.reporter_name),
  reason: r.reason,
  createdAt: r.created_at,
  resolvedBy: actor(r.resolved_by_id, r.resolved_by_name),
  resolvedAt: r.resolved_at,
  note: r.note,
});

export class KyselyReportsRepo implements ReportsRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Throws AppError('not_found') for an unknown community. */
  async create(r: ReportRecord): Promise<{ report: ReportRecord; created: boolean }> {
    try {
      await guard(async () => {
        await this.db
          .insertInto('reports')
          .values({
            id: r.id,
            community_id: r.communityId,
            room_id: r.room,
            kind: r.kind,
            status: r.status,
            message_id: r.message.id,
            message: JSON.stringify(r.message),
            reporter_id: r.reporter?.id ?? null,
            reporter_name: r.reporter?.name ?? null,
            reason: r.reason,
            created_at: r.createdAt,
            resolved_by_id: r.resolvedBy?.id ?? null,
            resolved_by_name: r.resolvedBy?.name ?? null,
            resolved_at: r.resolvedAt,
            note: r.note,
          })
          .execute();
      });
      return { report: r, created: true };
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause;
      if (r.reporter === null || uniqueViolation(cause) === undefined) throw e;
      const existing = await this.byMessageAndReporter(r.message.id, r.reporter.id);
      if (!existing) throw e;
      return { report: existing, created: false };
    }
  }

  byId(id: string): Promise<ReportRecord | undefined> {
    return guard(async () => {
      const row = await this.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toReport(row);
    });
  }

  list(
    communityId: string,
    opts: { status?: ReportStatus; limit: number; after?: string },
  ): Promise<ReportRecord[]> {
    if (!(opts.limit > 0)) return Promise.resolve([]);
    return guard(async () => {
      let q = this.db.selectFrom('reports').selectAll().where('community_id', '=', communityId);
      if (opts.status !== undefined) q = q.where('status', '=', opts.status);
      if (opts.after !== undefined) {
        const after = opts.after;
        q = q.where('seq', '>', (eb) => eb.selectFrom('reports').select('seq').where('id', '=', after));
      }
      const rows = await q.orderBy('seq').limit(Math.floor(opts.limit)).execute();
      return rows.map(toReport);
    });
  }

  resolve(
    id: string,
    change: { status: ReportStatus; by: ActorRef; at: number; note: string },
    audit: AuditRecord,
  ): Promise<ReportRecord | undefined> {
    return guard(() =>
      this.db.transaction().execute(async (tx) => {
        const res = await tx
          .updateTable('reports')
          .set({
            status: change.status,
            resolved_by_id: change.by.id,
            resolved_by_name: change.by.name,
            resolved_at: change.at,
            note: change.note,
          })
          .where('id', '=', id)
          .where('status', '=', 'open')
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return undefined;
        await insertAudit(tx, audit);
        const row = await tx.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return toReport(row);
      }),
    );
  }

  private byMessageAndReporter(messageId: string, reporterId: string): Promise<ReportRecord | undefined> {
    return guard(async () => {
      const row = await this.db
        .selectFrom('reports')
        .selectAll()
        .where('message_id', '=', messageId)
        .where('reporter_id', '=', reporterId)
        .executeTakeFirst();
      return row && toReport(row);
    });
  }
}
