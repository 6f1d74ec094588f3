/** The audit log: one row per moderation action, written in the same transaction as the action itself. */
import type { Kysely, Transaction } from 'kysely';
import type { AuditAction } from '@lightstick/protocol';
import { guard } from './db-errors.ts';
import type { AuditRecord, AuditRepo } from './moderation-records.ts';
import type { AuditRow, Schema } from './schema.ts';

const toAudit = (r: AuditRow): AuditRecord => ({
  id: r.id,
  communityId: r.community_id,
  room: r.room_id,
  actor: { id: r.actor_id, name: r.actor_name },
  action: r.action as AuditAction,
  targetUserId: r.target_user_id,
  targetMessageId: r.target_message_id,
  details: JSON.parse(r.details) as Record<string, unknown>,
  at: r.at,
});

/** Writes `a` inside the caller's transaction (or on the database for a standalone entry). */
export async function insertAudit(db: Kysely<Schema> | Transaction<Schema>, a: AuditRecord): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: a.id,
      community_id: a.communityId,
      room_id: a.room,
      actor_id: a.actor.id,
      actor_name: a.actor.name,
      action: a.action,
      target_user_id: a.targetUserId,
      target_message_id: a.targetMessageId,
      details: JSON.stringify(a.details),
      at: a.at,
    })
    .execute();
}

export class KyselyAuditRepo implements AuditRepo {
  constructor(private readonly db: Kysely<Schema>) {}

  append(entry: AuditRecord): Promise<void> {
    return guard(() => insertAudit(this.db, entry));
  }

  list(communityId: string | null, opts: { limit: number; before?: string }): Promise<AuditRecord[]> {
    if (!(opts.limit > 0)) return Promise.resolve([]);
    return guard(async () => {
      let q = this.db.selectFrom('audit_log').selectAll();
      q =
        communityId === null
          ? q.where('community_id', 'is', null)
          : q.where('community_id', '=', communityId);
      if (opts.before !== undefined) {
        const before = opts.before;
        q = q.where('seq', '<', (eb) => eb.selectFrom('audit_log').select('seq').where('id', '=', before));
      }
      const rows = await q.orderBy('seq', 'desc').limit(Math.floor(opts.limit)).execute();
      return rows.map(toAudit);
    });
  }
}
