/**
 * Scale-out MessageLog: the room's durable stream (Redis) is the acknowledgement point. One Broker.publish
 * (one script call) rate-limits, dedups, stores the message, gives it its position and publishes it
 * atomically; the archive is fed later from the streams by the Archiver, never from this process's memory, so
 * a gateway that dies loses nothing it acknowledged. No SQL query on this path.
 */
import type { Broker, PublishOptions, Published, SendRate } from '../broker/broker.ts';
import { AppError, isAppError } from '../errors.ts';
import type { RoomStream } from '../history/room-stream.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { MessageDraft } from '../storage/repositories.ts';
import type { MessageLog } from './message-log.ts';

export interface StreamMessageLogDeps {
  broker: Pick<Broker, 'publish'>;
  /** The archive feed, read for backlog(). */
  stream: Pick<RoomStream, 'backlog'>;
  metrics: Pick<Metrics, 'messagesAccepted' | 'commitLatency' | 'archiveBacklog'>;
  logger: Logger;
  /** Hot history size and age, the per-room unarchived bound and the resend window. */
  options: Omit<PublishOptions, 'rate'>;
  /** How often the cross-room backlog is re-read for backlog() (default 1000 ms; 0: only on demand). */
  backlogRefreshMs?: number;
}

export class StreamMessageLog implements MessageLog {
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private draining = false;
  private lastBacklog = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: StreamMessageLogDeps) {
    const every = deps.backlogRefreshMs ?? 1000;
    if (every > 0) {
      this.timer = setInterval(() => void this.refreshBacklog(), every);
      this.timer.unref(); // never keeps the process alive on its own
    }
  }

  async commit(draft: MessageDraft, rate?: SendRate): Promise<Published> {
    if (this.draining) throw new AppError('unavailable', 'The server is shutting down');
    const startedAt = performance.now();
    this.inFlight++;
    try {
      const r = await this.deps.broker.publish(
        draft,
        rate ? { ...this.deps.options, rate } : this.deps.options,
      );
      this.deps.metrics.commitLatency.observe((performance.now() - startedAt) / 1000);
      if (!r.duplicate) this.deps.metrics.messagesAccepted.inc();
      return r;
    } catch (err) {
      if (isAppError(err)) {
        // The room may have reached its bound: look again so readiness follows promptly.
        if (err.code === 'unavailable') void this.refreshBacklog();
        throw err;
      }
      // Anything else is the stream store failing: refused, never silently dropped.
      this.deps.logger.error({ err, room: draft.room }, 'stream append failed');
      throw new AppError('unavailable', 'The message could not be stored; try again');
    } finally {
      if (--this.inFlight === 0) this.wakeIdle();
    }
  }

  /** The last known number of unarchived entries across all rooms (refreshed in the background). */
  backlog(): number {
    return this.lastBacklog;
  }

  /** Reads the backlog now; when the stream store cannot answer, keeps and returns the last known value. */
  async refreshBacklog(): Promise<number> {
    try {
      this.lastBacklog = await this.deps.stream.backlog();
      this.deps.metrics.archiveBacklog.set(this.lastBacklog);
    } catch {
      // Readiness reports the stream store through the broker check; the last value stays meaningful.
    }
    return this.lastBacklog;
  }

  /** Waits for the appends in flight (each is acknowledged or refused), then refuses new ones. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
