/**
 * Lives: create (with its own chat room and a provider channel), list, get, rotate the key, end, and
 * authorise playback. Lightstick owns who may do what; the provider owns the video. Staff of a community
 * (artist, moderator, owner, or an admin) create and run lives and alone see `ingest`; anyone signed in
 * sees lives; public lives play for anyone signed in, members-only lives for members and staff.
 */
import { LiveLimits, type LiveView, type PlaybackView, type ProvidersView } from '@lightstick/protocol';
import { AppError, isAppError } from '../errors.ts';
import { atLeast, effectiveRole } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import type { LiveRecord } from '../storage/lives-repositories.ts';
import type { Store } from '../storage/repositories.ts';
import type { WindowLimit } from '../config/config.ts';
import { windowRule, type RateLimiter } from '../ratelimit/rate-limiter.ts';
import { validateName } from '../chat/community-validation.ts';
import { onEnd } from './live-state.ts';
import type { LiveTransitions } from './live-transitions.ts';
import { toLiveView } from './live-views.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import type { ChannelRef, LiveAccess, ProviderName, StreamProvider } from './providers/stream-provider.ts';

export interface LiveServiceDeps {
  store: Pick<Store, 'lives' | 'communities'>;
  /** Lives created per community and window (each makes a room and a provider channel); admins exempt. */
  liveCreates?: { limiter: RateLimiter; rule: WindowLimit };
  providers: ProviderRegistry;
  transitions: LiveTransitions;
  runtime: Runtime;
  logger: Logger;
  playbackTtlSec: number;
}

export interface CreateLiveInput {
  title: unknown;
  access?: LiveAccess;
  provider?: ProviderName;
  scheduledAt?: string;
}

const channelOf = (l: LiveRecord): ChannelRef => ({ channelId: l.channelId, meta: l.channelMeta });

/** Providers throw AppError('provider_error'); anything else they throw is reported the same way. */
async function fromProvider<T>(name: ProviderName, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (isAppError(err)) throw err;
    throw Object.assign(new AppError('provider_error', `The video provider (${name}) failed`), {
      cause: err,
    });
  }
}

export class LiveService {
  constructor(private readonly deps: LiveServiceDeps) {}

  providers(): ProvidersView {
    return { providers: this.deps.providers.offered(), default: this.deps.providers.defaultName };
  }

  async create(p: Principal, communityId: string, input: CreateLiveInput): Promise<LiveView> {
    const { store, runtime, logger } = this.deps;
    const title = validateName(input.title, 'title', LiveLimits.titleMaxChars);
    const scheduledAt = input.scheduledAt === undefined ? null : Date.parse(input.scheduledAt);
    if (scheduledAt !== null && !Number.isFinite(scheduledAt)) {
      throw new AppError('validation_failed', 'scheduledAt must be an ISO 8601 time', {
        details: { field: 'scheduledAt' },
      });
    }
    await this.ensureStaff(p, communityId);
    // Before the provider is asked for a channel: each one may cost the operator money.
    const quota = this.deps.liveCreates;
    if (quota && !p.admin) {
      const { limit, windowMs } = quota.rule;
      const d = await quota.limiter.consume(`live:create:c:${communityId}`, windowRule(quota.rule));
      if (!d.allowed) {
        throw new AppError(
          'rate_limited',
          `At most ${limit} lives may be created in a community per ${windowMs / 60_000} min`,
          { retryAfterMs: d.retryAfterMs },
        );
      }
    }
    const provider = this.deps.providers.forNewLive(input.provider);
    const access = input.access ?? 'public';
    const id = runtime.id();
    const channel = await fromProvider(provider.name, provider.createChannel({ liveId: id, title, access }));
    const now = runtime.now();
    const live: LiveRecord = {
      id,
      communityId,
      roomId: runtime.id(),
      title,
      access,
      provider: provider.name,
      channelId: channel.channelId,
      channelMeta: channel.meta,
      state: 'scheduled',
      scheduledAt,
      startedAt: null,
      endedAt: null,
      createdBy: p.userId,
      createdAt: now,
      eventAt: 0,
      graceUntil: null,
      version: 0,
    };
    const room = {
      id: live.roomId,
      communityId,
      name: title,
      kind: 'live' as const,
      access,
      epoch: runtime.id(),
      createdAt: now,
    };
    try {
      await store.lives.create(live, room);
    } catch (err) {
      // The channel would be an orphan at the provider: remove it, then report the store's error.
      await provider.deleteChannel(channel).catch((e: unknown) => {
        logger.warn({ err: e, provider: provider.name }, 'orphan provider channel could not be deleted');
      });
      throw err;
    }
    logger.info({ live: id, community: communityId, provider: provider.name }, 'live created');
    return toLiveView(live, channel.ingest);
  }

  /** Unended lives first (live, reconnecting, then scheduled by time), then ended ones, newest first. */
  async list(p: Principal, communityId: string, limit: number): Promise<LiveView[]> {
    const staff = await this.isStaff(p, communityId);
    const rows = await this.deps.store.lives.listByCommunity(communityId, limit);
    const rank = { live: 0, reconnecting: 0, scheduled: 1, ended: 2 } as const;
    rows.sort(
      (a, b) =>
        rank[a.state] - rank[b.state] ||
        (a.state === 'scheduled' ? (a.scheduledAt ?? a.createdAt) - (b.scheduledAt ?? b.createdAt) : 0) ||
        b.createdAt - a.createdAt,
    );
    return Promise.all(rows.map((l) => this.view(l, staff, true)));
  }

  async get(p: Principal, id: string): Promise<LiveView> {
    const live = await this.live(id);
    return this.view(live, await this.isStaff(p, live.communityId), false);
  }

  /** The old key stops at once, a publish in progress with it included. */
  async rotateKey(p: Principal, id: string): Promise<LiveView> {
    const live = await this.live(id);
    await this.ensureStaff(p, live.communityId);
    if (live.state === 'ended') throw new AppError('conflict', 'The live has ended; its key cannot change');
    const channel = await fromProvider(live.provider, this.provider(live).rotateKey(channelOf(live)));
    let current = live;
    if (channel.channelId !== live.channelId) {
      const moved = await this.deps.transitions.change(id, () => ({
        patch: { channelId: channel.channelId, channelMeta: channel.meta },
      }));
      current = moved ?? live;
    }
    this.deps.logger.info({ live: id }, 'stream key rotated');
    return toLiveView(current, channel.ingest);
  }

  /** Idempotent: ending an ended live answers it as it is. */
  async end(p: Principal, id: string): Promise<LiveView> {
    const live = await this.live(id);
    await this.ensureStaff(p, live.communityId);
    const after = await this.deps.transitions.change(id, (l) => onEnd(l, this.deps.runtime.now()));
    return toLiveView(after ?? live);
  }

  async playback(p: Principal, id: string): Promise<PlaybackView> {
    const live = await this.live(id);
    const m = await this.deps.store.communities.membership(live.communityId, p.userId);
    if (live.access === 'members' && !atLeast(effectiveRole(p, m), 'member')) {
      throw new AppError('forbidden', 'This live is for members of the community');
    }
    if (live.state === 'ended') throw new AppError('conflict', 'The live has ended');
    const viewer = { userId: p.userId, liveId: live.id, access: live.access };
    const grant = await fromProvider(
      live.provider,
      this.provider(live).playback(channelOf(live), viewer, this.deps.playbackTtlSec),
    );
    return { url: grant.url, expiresAt: new Date(grant.expiresAt).toISOString() };
  }

  private async view(live: LiveRecord, staff: boolean, lenient: boolean): Promise<LiveView> {
    if (!staff || live.state === 'ended') return toLiveView(live);
    try {
      return toLiveView(live, await fromProvider(live.provider, this.provider(live).ingest(channelOf(live))));
    } catch (err) {
      // Ended meanwhile (by another process): the key is gone, the live as it is now is the answer.
      if (isAppError(err) && err.code === 'not_found') {
        return toLiveView((await this.deps.store.lives.byId(live.id)) ?? live);
      }
      // In a list, one provider's trouble must not hide every live: that one comes without ingest.
      if (!lenient) throw err;
      this.deps.logger.warn({ err, live: live.id }, 'ingest settings unavailable');
      return toLiveView(live);
    }
  }

  private provider(live: LiveRecord): StreamProvider {
    return this.deps.providers.of(live.provider);
  }

  private async live(id: string): Promise<LiveRecord> {
    const live = await this.deps.store.lives.byId(id);
    if (live === undefined) throw new AppError('not_found', 'No such live');
    return live;
  }

  private async isStaff(p: Principal, communityId: string): Promise<boolean> {
    const { communities } = this.deps.store;
    if ((await communities.byId(communityId)) === undefined) {
      throw new AppError('not_found', 'No such community');
    }
    return atLeast(effectiveRole(p, await communities.membership(communityId, p.userId)), 'moderator');
  }

  private async ensureStaff(p: Principal, communityId: string): Promise<void> {
    if (!(await this.isStaff(p, communityId))) {
      throw new AppError('forbidden', 'Only artists, moderators and owners run lives');
    }
  }
}
