/** Reading the audit log: a community's for its moderators, the platform's (creator flags...) for admins. */
import type { AuditEntry } from '@lightstick/protocol';
import type { Principal } from '../auth/principal.ts';
import { ensureAdmin } from '../auth/guards.ts';
import type { AuditRecord, Store } from '../storage/repositories.ts';
import { pageOf } from './paging.ts';
import type { Scopes } from './scope.ts';

export const toAuditEntry = (a: AuditRecord): AuditEntry => ({
  id: a.id,
  communityId: a.communityId,
  room: a.room,
  actor: a.actor,
  action: a.action,
  targetUserId: a.targetUserId,
  targetMessageId: a.targetMessageId,
  details: a.details,
  at: new Date(a.at).toISOString(),
});

export class AuditLog {
  constructor(private readonly deps: { store: Pick<Store, 'audit'>; scopes: Scopes }) {}

  async community(
    p: Principal,
    communityId: string,
    opts: { limit: number; before?: string },
  ): Promise<{ items: AuditEntry[]; next: string | null }> {
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'audit.read', 'Moderators and up read the audit log');
    return this.page(communityId, opts);
  }

  async platform(p: Principal, opts: { limit: number; before?: string }) {
    ensureAdmin(p);
    return this.page(null, opts);
  }

  private async page(communityId: string | null, opts: { limit: number; before?: string }) {
    const rows = await this.deps.store.audit.list(communityId, { ...opts, limit: opts.limit + 1 });
    const page = pageOf(rows, opts.limit, (a) => a.id);
    return { items: page.rows.map(toAuditEntry), next: page.next };
  }
}
