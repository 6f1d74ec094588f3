import type { Published, SendRate } from '../broker/broker.ts';
import type { MessageDraft } from '../storage/repositories.ts';

/**
 * The durable step of the send pipeline: takes the send buckets, makes the message durable, gives it its
 * position, puts it in the room's hot history and publishes it to every node. Resolving is the ack point.
 * Scale-out mode (StreamMessageLog): ONE Broker.publish, one Redis script; the archive is fed from the streams.
 * Embedded mode (EmbeddedMessageLog): group commit to the SQLite archive, which assigns positions, then the
 * in-process broker adopts them.
 */
export interface MessageLog {
  /**
   * Resolves with the stored message (the original one when `duplicate`: nothing is taken or stored again).
   * Throws AppError('rate_limited') with retryAfterMs when a bucket of `rate` is empty (nothing stored), and
   * AppError('unavailable') when the message could not be stored.
   */
  commit(draft: MessageDraft, rate?: SendRate): Promise<Published>;
  /** Bounded backlog state, for readiness and metrics. */
  backlog(): number;
  /** Commits everything queued, then refuses new commits with 'unavailable'. */
  drain(): Promise<void>;
}
