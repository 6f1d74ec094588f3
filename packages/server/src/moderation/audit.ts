/** Builds audit entries: who (the principal), what, on which community, room, person or message, and when. */
import type { AuditAction } from '@lightstick/protocol';
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime.ts';
import type { ActorRef, AuditRecord } from '../storage/repositories.ts';

export const actorOf = (p: Principal): ActorRef => ({ id: p.userId, name: p.name });

export function auditEntry(
  runtime: Runtime,
  p: Principal,
  action: AuditAction,
  where: {
    communityId: string | null;
    room?: string;
    targetUserId?: string;
    targetMessageId?: string;
    details?: Record<string, unknown>;
  },
): AuditRecord {
  return {
    id: runtime.id(),
    communityId: where.communityId,
    room: where.room ?? null,
    actor: actorOf(p),
    action,
    targetUserId: where.targetUserId ?? null,
    targetMessageId: where.targetMessageId ?? null,
    details: where.details ?? {},
    at: runtime.now(),
  };
}
