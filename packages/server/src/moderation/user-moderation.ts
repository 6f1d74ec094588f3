/**
 * Timeouts and bans per community. A timeout (1 s to 2 weeks) stops sending until it ends; a ban stops
 * everything in the community (rooms, archive, sending, joining again) until lifted. Only someone above the
 * person acts on them (auth/powers.ts `standing`). Stored with the audit entry in one transaction.
 */
import {
  ModerationLimits,
  type BanBody,
  type SanctionKind,
  type SanctionView,
  type TimeoutBody,
} from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { ensureCanActOn, type Power } from '../auth/guards.ts';
import type { Runtime } from '../runtime.ts';
import type { SanctionRecord, Store } from '../storage/repositories.ts';
import { actorOf, auditEntry } from './audit.ts';
import type { ModerationEvents } from './events.ts';
import { pageOf } from './paging.ts';
import { validateReason, type Scopes } from './scope.ts';

export interface UserModerationDeps {
  store: Pick<Store, 'sanctions' | 'users'>;
  runtime: Runtime;
  scopes: Scopes;
  events?: ModerationEvents;
}

const POWER: Record<SanctionKind, Power> = { ban: 'user.ban', timeout: 'user.timeout' };
const iso = (ms: number) => new Date(ms).toISOString();

export class UserModeration {
  constructor(private readonly deps: UserModerationDeps) {}

  async timeout(p: Principal, communityId: string, body: TimeoutBody): Promise<SanctionView> {
    const { timeoutMinSeconds: min, timeoutMaxSeconds: max } = ModerationLimits;
    if (!Number.isInteger(body.seconds) || body.seconds < min || body.seconds > max) {
      throw new AppError('validation_failed', `seconds must be ${min} to ${max} (two weeks)`, {
        details: { field: 'seconds' },
      });
    }
    const until = this.deps.runtime.now() + body.seconds * 1000;
    return this.sanction(p, communityId, 'timeout', body.userId, body.reason, until, {
      seconds: body.seconds,
    });
  }

  async ban(p: Principal, communityId: string, body: BanBody): Promise<SanctionView> {
    return this.sanction(p, communityId, 'ban', body.userId, body.reason, null, {});
  }

  /** Lifting what is not there answers 404 not_found. */
  async lift(p: Principal, communityId: string, kind: SanctionKind, userId: string): Promise<void> {
    const scope = await this.deps.scopes.community(p, communityId);
    const role = this.deps.scopes.require(p, scope, POWER[kind], `Moderators and up lift ${kind}s`);
    const target = await this.deps.scopes.roleOf(communityId, userId);
    ensureCanActOn(role, target.role, `lift a ${kind} of`);
    const action = kind === 'ban' ? 'ban.lift' : 'timeout.lift';
    const lifted = await this.deps.store.sanctions.lift(
      communityId,
      userId,
      kind,
      auditEntry(this.deps.runtime, p, action, { communityId, targetUserId: userId }),
    );
    if (!lifted) throw new AppError('not_found', `That person has no ${kind} here`);
    // An admin is never sanctioned: any other role read here is their membership's.
    const membership = target.role === 'admin' || target.role === 'system' ? null : target.role;
    this.deps.events?.sanctionLifted(communityId, userId, kind, membership);
  }

  async list(
    p: Principal,
    communityId: string,
    opts: { kind?: SanctionKind; limit: number; after?: string },
  ): Promise<{ items: SanctionView[]; next: string | null }> {
    const scope = await this.deps.scopes.community(p, communityId);
    this.deps.scopes.require(p, scope, 'user.ban', 'Moderators and up see bans and timeouts');
    const rows = await this.deps.store.sanctions.list(communityId, {
      ...opts,
      limit: opts.limit + 1,
      now: this.deps.runtime.now(),
    });
    const page = pageOf(rows, opts.limit, (s) => s.userId);
    return { items: await Promise.all(page.rows.map((s) => this.view(s))), next: page.next };
  }

  private async sanction(
    p: Principal,
    communityId: string,
    kind: SanctionKind,
    userId: string,
    rawReason: unknown,
    until: number | null,
    details: Record<string, unknown>,
  ): Promise<SanctionView> {
    const reason = validateReason(rawReason, 'reason', ModerationLimits.reasonMaxChars);
    const scope = await this.deps.scopes.community(p, communityId);
    const role = this.deps.scopes.require(p, scope, POWER[kind], `Moderators and up ${kind} people`);
    if (userId === p.userId) throw new AppError('forbidden', `You cannot ${kind} yourself`);
    const target = await this.deps.scopes.roleOf(communityId, userId);
    if (!target.exists) throw new AppError('not_found', 'No such user');
    ensureCanActOn(role, target.role, kind);
    const record: SanctionRecord = {
      communityId,
      userId,
      kind,
      until,
      reason,
      by: actorOf(p),
      at: this.deps.runtime.now(),
    };
    await this.deps.store.sanctions.set(
      record,
      auditEntry(this.deps.runtime, p, kind === 'ban' ? 'ban.set' : 'timeout.set', {
        communityId,
        targetUserId: userId,
        details: { ...details, reason },
      }),
    );
    this.deps.events?.sanctioned(communityId, userId, kind, until);
    return this.view(record);
  }

  private async view(s: SanctionRecord): Promise<SanctionView> {
    const user = await this.deps.store.users.byId(s.userId);
    return {
      communityId: s.communityId,
      userId: s.userId,
      name: user?.name ?? '',
      displayName: user?.displayName ?? '',
      kind: s.kind,
      until: s.until === null ? null : iso(s.until),
      reason: s.reason,
      by: s.by,
      at: iso(s.at),
    };
  }
}
