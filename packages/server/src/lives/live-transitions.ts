/**
 * Changes a stored live through the state machine, safely across processes: read, compute the transition,
 * compare-and-set on the live's version, and retry on a lost race. Only the process whose write wins
 * announces the change, so a transition is announced once however many api and media processes saw it.
 * Side effects of entering a state: `reconnecting` arms a local grace timer (the reconciler is the
 * fallback in every api process), `ended` revokes the stream key at the provider.
 */
import { AppError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import type { LiveRecord, LivesRepo } from '../storage/lives-repositories.ts';
import type { LiveAnnouncer } from './announcer.ts';
import { onGraceCheck, type Transition } from './live-state.ts';
import { toLiveView } from './live-views.ts';
import type { ProviderRegistry } from './provider-registry.ts';

const MAX_ATTEMPTS = 8;

const TEXT: Record<NonNullable<Transition['entered']>, string> = {
  live: 'The live has started.',
  reconnecting: 'The stream dropped. Reconnecting…',
  ended: 'The live has ended.',
};

export interface LiveTransitionsDeps {
  lives: LivesRepo;
  providers: ProviderRegistry;
  announcer: LiveAnnouncer;
  runtime: Runtime;
  logger: Logger;
}

export class LiveTransitions {
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly deps: LiveTransitionsDeps) {}

  /**
   * Applies `compute` to the live as stored until the write wins. Returns the live as it is afterwards
   * (unchanged when `compute` says nothing), or undefined for an unknown live. Throws AppError('unavailable')
   * when the store fails, AppError('conflict') when the live keeps changing under it.
   */
  async change(
    id: string,
    compute: (live: LiveRecord) => Transition | undefined,
  ): Promise<LiveRecord | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const live = await this.deps.lives.byId(id);
      if (live === undefined) return undefined;
      const t = compute(live);
      if (t === undefined) return live;
      const updated = await this.deps.lives.update(id, live.version, t.patch);
      if (updated === undefined) continue; // another process changed it first: look again
      if (t.entered !== undefined) await this.entered(updated, t.entered);
      return updated;
    }
    throw new AppError('conflict', 'The live is changing too fast; try again');
  }

  /** Ends lives whose grace window passed (reconciler and timers). */
  expire(id: string): Promise<LiveRecord | undefined> {
    return this.change(id, (live) => onGraceCheck(live, this.deps.runtime.now()));
  }

  close(): void {
    this.closed = true;
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.graceTimers.clear();
  }

  private async entered(live: LiveRecord, state: NonNullable<Transition['entered']>): Promise<void> {
    const { announcer, logger } = this.deps;
    if (state === 'reconnecting') this.armGrace(live);
    else this.disarmGrace(live.id);
    if (state === 'ended') await this.revoke(live);
    // Announcing is after the durable change: a failure is logged, the state stays right.
    const key = `live:${live.id}:${live.version}`;
    await announcer
      .systemMessage(live.roomId, TEXT[state], key)
      .catch((err: unknown) => logger.warn({ err, live: live.id }, 'live system message failed'));
    await announcer
      .liveChanged(toLiveView(live))
      .catch((err: unknown) => logger.warn({ err, live: live.id }, 'live state publication failed'));
    logger.info({ live: live.id, state, provider: live.provider }, 'live state changed');
  }

  private async revoke(live: LiveRecord): Promise<void> {
    try {
      await this.deps.providers
        .of(live.provider)
        .revokeKey({ channelId: live.channelId, meta: live.channelMeta });
    } catch (err) {
      this.deps.logger.warn({ err, live: live.id }, 'stream key revocation at the provider failed');
    }
  }

  private armGrace(live: LiveRecord): void {
    if (this.closed || live.graceUntil === null) return;
    this.disarmGrace(live.id);
    const wait = Math.max(0, live.graceUntil - this.deps.runtime.now()) + 10;
    const timer = setTimeout(() => {
      this.graceTimers.delete(live.id);
      this.expire(live.id).catch((err: unknown) =>
        this.deps.logger.warn({ err, live: live.id }, 'grace expiry failed; the reconciler retries'),
      );
    }, wait);
    timer.unref();
    this.graceTimers.set(live.id, timer);
  }

  private disarmGrace(id: string): void {
    const t = this.graceTimers.get(id);
    if (t !== undefined) clearTimeout(t);
    this.graceTimers.delete(id);
  }
}
