/**
 * Provider events -> live state. Each event is looked up by (provider, channel): an event for a channel
 * Lightstick does not know is logged and ignored. Webhook deliveries remember their event ids, so a replay
 * changes nothing. Providers' events are best-effort (IVS documents late, missing and out-of-order events),
 * so the reconciler polls each unended live's provider status and turns a disagreement into an event at the
 * provider's time, and ends lives whose grace window passed even when no process kept a timer for them.
 */
import type { WebhookAnswer } from '@lightstick/protocol';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import type { LiveRecord, LivesRepo } from '../storage/lives-repositories.ts';
import { onEvent, type StateEvent } from './live-state.ts';
import type { LiveTransitions } from './live-transitions.ts';
import type { ProviderRegistry } from './provider-registry.ts';
import type { ProviderEvent, ProviderName } from './providers/stream-provider.ts';

export interface LiveEventsDeps {
  lives: LivesRepo;
  providers: ProviderRegistry;
  transitions: LiveTransitions;
  runtime: Runtime;
  logger: Logger;
  graceMs: number;
  /** Event ids are remembered this long (default 7 days). */
  eventMemoryMs?: number;
}

/** Unended lives looked at per reconciliation pass. */
const RECONCILE_BATCH = 200;

export class LiveEvents {
  private loop: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: LiveEventsDeps) {}

  /**
   * Applies verified events of `provider` in the order of their timestamps. With `remember` (webhooks),
   * an event id seen before is a replay and is not applied again. Throws AppError('unavailable') when the
   * store fails (the delivery should be retried).
   */
  async apply(
    provider: ProviderName,
    events: ProviderEvent[],
    opts: { remember: boolean },
  ): Promise<WebhookAnswer> {
    const { lives, runtime, logger } = this.deps;
    const answer: WebhookAnswer = { accepted: 0, duplicates: 0, ignored: 0 };
    for (const e of [...events].sort((a, b) => a.at - b.at)) {
      if (opts.remember && (await lives.knowsEvent(provider, e.id))) {
        answer.duplicates++;
        continue;
      }
      const live = await lives.byChannel(provider, e.channelId);
      if (live === undefined) {
        logger.warn({ provider, channel: e.channelId, event: e.id }, 'event for an unknown channel ignored');
        answer.ignored++;
        continue;
      }
      await this.applyTo(live.id, e);
      if (opts.remember) await lives.rememberEvent(provider, e.id, runtime.now());
      answer.accepted++;
    }
    return answer;
  }

  /** Starts reconciling every `everyMs` (api processes). */
  start(everyMs: number): void {
    if (this.loop !== undefined) return;
    this.loop = setInterval(() => {
      this.running ??= this.reconcile()
        .then(() => undefined)
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'live reconciliation failed'))
        .finally(() => (this.running = undefined));
    }, everyMs);
    this.loop.unref();
  }

  async stop(): Promise<void> {
    if (this.loop !== undefined) clearInterval(this.loop);
    this.loop = undefined;
    await this.running;
  }

  /** One pass over the unended lives; returns how many changed. */
  async reconcile(): Promise<number> {
    const { lives, runtime, eventMemoryMs = 7 * 86_400_000 } = this.deps;
    let changed = 0;
    for (const live of await lives.unended(RECONCILE_BATCH)) {
      if (await this.reconcileOne(live)) changed++;
    }
    await lives.forgetEvents(runtime.now() - eventMemoryMs);
    return changed;
  }

  private async reconcileOne(live: LiveRecord): Promise<boolean> {
    const { transitions, providers, logger } = this.deps;
    if (live.state === 'reconnecting') {
      const after = await transitions.expire(live.id);
      if (after?.state === 'ended') return true;
    }
    if (!providers.has(live.provider)) return false;
    let status;
    try {
      status = await providers
        .of(live.provider)
        .status({ channelId: live.channelId, meta: live.channelMeta });
    } catch (err) {
      logger.warn({ err, live: live.id }, 'provider status failed; next pass retries');
      return false;
    }
    const publishing = live.state === 'live';
    if (status.live === publishing) return false;
    // A live still `scheduled` with nobody sending is as it should be.
    if (!status.live && live.state !== 'live') return false;
    const after = await this.applyTo(live.id, { type: status.live ? 'started' : 'stopped', at: status.at });
    return after !== undefined && after.version !== live.version;
  }

  private applyTo(liveId: string, event: StateEvent): Promise<LiveRecord | undefined> {
    const { transitions, runtime, graceMs } = this.deps;
    return transitions.change(liveId, (l) => onEvent(l, event, runtime.now(), graceMs));
  }
}
