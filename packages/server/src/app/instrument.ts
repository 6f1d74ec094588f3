/**
 * Metrics measured around a seam rather than inside it, so the send pipeline, the gateway and the archiver
 * keep no metric code of their own for these: the composition root wraps what it hands out.
 *   - lightstick_send_to_ack_seconds and lightstick_sends_refused_total{code}: around SendService.send, whose
 *     result the gateway writes as the ack at once (or whose AppError it answers as the error frame).
 *   - lightstick_archive_lag_seconds: around the archive's batch write, once the transaction committed.
 */
import type { MessagesRepo } from '../storage/repositories.ts';
import { isAppError } from '../errors.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime.ts';
import { SendService, type SendContext, type SendInput, type SendResult } from '../chat/send-service.ts';

type SendMetrics = Pick<Metrics, 'sendToAck' | 'sendsRefused'>;

/** A SendService that times each send from the frame's arrival to its answer and counts refusals by code. */
export class MeasuredSendService extends SendService {
  constructor(
    deps: ConstructorParameters<typeof SendService>[0],
    private readonly metrics: SendMetrics,
  ) {
    super(deps);
  }

  override async send(ctx: SendContext, input: SendInput): Promise<SendResult> {
    const from = ctx.receivedAt ?? performance.now();
    try {
      const result = await super.send(ctx, input);
      this.metrics.sendToAck.observe((performance.now() - from) / 1000);
      return result;
    } catch (err) {
      // What the gateway answers: the AppError's code, or `internal` for anything else.
      this.metrics.sendsRefused.inc({ code: isAppError(err) ? err.code : 'internal' });
      throw err;
    }
  }
}

/**
 * The archive's batch write, observing for each message the time since it was accepted (`ts`, from the same
 * runtime clock) once the batch is stored. A batch written again after a crash is observed again: the lag it
 * shows is the real wait of those rows.
 */
export function measuredArchive(
  messages: Pick<MessagesRepo, 'archiveBatch'>,
  metrics: Pick<Metrics, 'archiveLag'>,
  runtime: Pick<Runtime, 'now'>,
): Pick<MessagesRepo, 'archiveBatch'> {
  return {
    async archiveBatch(batch) {
      const result = await messages.archiveBatch(batch);
      const now = runtime.now();
      for (const m of batch) metrics.archiveLag.observe(Math.max(0, now - m.ts) / 1000);
      return result;
    },
  };
}
