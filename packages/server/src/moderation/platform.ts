/**
 * Platform decisions only an admin makes: who may create official communities (the creator flag) and which
 * communities carry the official mark. A fan-made community is never marked official: the mark is what tells
 * fans an artist's real community from "BTS Official" made by anyone.
 */
import type { CommunityView, UserView } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import { ensureAdmin } from '../auth/guards.ts';
import { toUserView } from '../auth/user-view.ts';
import { countsIn, toCommunityView } from '../chat/community-views.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import { auditEntry } from './audit.ts';

export class PlatformAdmin {
  constructor(
    private readonly deps: { store: Pick<Store, 'users' | 'communities' | 'audit'>; runtime: Runtime },
  ) {}

  async setCreator(p: Principal, userId: string, creator: boolean): Promise<UserView> {
    ensureAdmin(p);
    const { users, audit } = this.deps.store;
    await users.setCreator(userId, creator);
    await audit.append(
      auditEntry(this.deps.runtime, p, 'user.creator', {
        communityId: null,
        targetUserId: userId,
        details: { creator },
      }),
    );
    const user = await users.byId(userId);
    if (!user) throw new AppError('not_found', 'No such user');
    return toUserView(user);
  }

  async setOfficial(p: Principal, communityId: string, official: boolean): Promise<CommunityView> {
    ensureAdmin(p);
    const { communities, audit } = this.deps.store;
    const c = await communities.byId(communityId);
    if (!c) throw new AppError('not_found', 'No such community');
    if (official && c.fanMade) {
      throw new AppError('conflict', 'A fan-made community cannot carry the official mark');
    }
    await communities.setOfficial(communityId, official);
    await audit.append(
      auditEntry(this.deps.runtime, p, 'community.official', {
        // A platform decision: in the platform log, naming the community.
        communityId: null,
        details: { communityId, official },
      }),
    );
    const [m, counts] = await Promise.all([
      communities.membership(communityId, p.userId),
      communities.counts([communityId]),
    ]);
    return toCommunityView({ ...c, official }, m?.role ?? null, countsIn(counts, communityId));
  }
}
