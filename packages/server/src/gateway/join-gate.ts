/**
 * Joins in flight on one gateway, at most `concurrency`; the rest wait their turn in arrival order, and past
 * `maxWaiting` a join is answered `unavailable` with a wait instead of being queued.
 *
 * Why: when a gateway dies, its fans reconnect to the survivors all at once. Each join issues Redis commands
 * (the join limit, the history read) and a survivor that started thousands of joins at once left their Redis
 * replies unread behind its own work, until ioredis's command timeout failed them and the joins answered
 * `unavailable`, which the clients retried with more of the same load (issue 6's `storm`, docs/benchmarks.md).
 * A join waiting here holds no Redis command and no timer; the ones admitted finish at the rate the node serves
 * them. A connection's frames are handled in order, so its later frames wait behind its own join.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { AppError } from '../errors.ts';

export interface JoinGateOptions {
  /** Joins handled at once (LIGHTSTICK_JOIN_CONCURRENCY). */
  concurrency: number;
  /** Joins waiting beyond which a join is refused `unavailable` (LIGHTSTICK_JOIN_QUEUE). */
  maxWaiting: number;
  /** The wait a refused join is told (retryAfterMs). */
  retryAfterMs?: number;
}

export class JoinGate {
  private readonly limit: LimitFunction;

  constructor(private readonly opts: JoinGateOptions) {
    this.limit = pLimit(opts.concurrency);
  }

  /** Joins admitted and not finished. */
  get active(): number {
    return this.limit.activeCount;
  }

  /** Joins waiting for their turn. */
  get waiting(): number {
    return this.limit.pendingCount;
  }

  run<T>(join: () => Promise<T>): Promise<T> {
    if (this.limit.activeCount >= this.opts.concurrency && this.limit.pendingCount >= this.opts.maxWaiting) {
      return Promise.reject(
        new AppError('unavailable', 'The server is busy with joins; try again', {
          retryAfterMs: this.opts.retryAfterMs ?? 1000,
        }),
      );
    }
    return this.limit(join);
  }
}
