/**
 * Scale-out mode's archive writer: moves acknowledged messages from the room streams (Redis) to the SQL
 * archive, never from a gateway's memory. Per pending room: read the oldest unarchived batch, store it in ONE
 * transaction (archiveBatch skips rows already stored, so a retry or a second archiver is harmless), then move
 * the room's archived cursor. A crash between the two only means the batch is written again.
 * When the store or the stream fails, it retries with capped backoff and logs once per outage, not per retry.
 */
import { isAppError } from '../errors.ts';
import type { RoomStream } from '../history/room-stream.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { MessagesRepo } from '../storage/repositories.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../backoff.ts';

export interface ArchiverDeps {
  stream: Pick<RoomStream, 'pendingRooms' | 'unarchived' | 'markArchived' | 'backlog'>;
  messages: Pick<MessagesRepo, 'archiveBatch'>;
  metrics: Pick<Metrics, 'archiveBacklog' | 'messagesArchived' | 'archiveErrors'>;
  logger: Logger;
  /** Messages per transaction (default 500). */
  batchSize?: number;
  /** Rooms taken per cycle (default 100). */
  roomsPerCycle?: number;
  /** Pause when nothing is pending (default 100 ms). */
  idleMs?: number;
  /** Retry delays after a failure: doubling from minMs, capped at maxMs (defaults 100 ms and 5 s). */
  backoff?: { minMs: number; maxMs: number };
  /** A number in [0, 1) for jitter and room order; several archivers then spread out. */
  random?: () => number;
}

/** Which side failed: the SQL archive or the stream store. */
type Stage = 'store' | 'stream';

class StageError extends Error {
  constructor(
    readonly stage: Stage,
    override readonly cause: unknown,
  ) {
    super(`archive ${stage} failed`);
  }
}

export class Archiver {
  /** Aborted by stop(): cuts the current wait short and every later one. */
  private readonly stopped = new AbortController();
  private loop: Promise<void> | undefined;
  private stopping = false;
  /** Set while writes fail: since when, and how many attempts failed. */
  private outage: { since: number; failures: number; stage: Stage } | undefined;
  /** Rooms whose batches the store refuses for a reason other than being down (logged once each). */
  private readonly refusedRooms = new Set<string>();
  private readonly random: () => number;

  constructor(private readonly deps: ArchiverDeps) {
    this.random = deps.random ?? Math.random;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the batch in hand, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    await this.loop;
  }

  /** False while the archive cannot be written (readiness of the api role). */
  healthy(): boolean {
    return this.outage === undefined;
  }

  /** One pass: one batch for each pending room. Returns the messages archived; throws when a side fails. */
  async runOnce(): Promise<number> {
    const { stream, metrics } = this.deps;
    const rooms = await this.fromStream(() => stream.pendingRooms(this.deps.roomsPerCycle ?? 100));
    // Start at a random room so several archivers rarely work on the same room at once.
    const start = rooms.length > 0 ? Math.floor(this.random() * rooms.length) : 0;
    let archived = 0;
    for (let i = 0; i < rooms.length && !this.stopping; i++) {
      archived += await this.archiveRoom(rooms[(start + i) % rooms.length]!);
    }
    metrics.archiveBacklog.set(await this.fromStream(() => stream.backlog()));
    return archived;
  }

  private async run(): Promise<void> {
    const { idleMs = 100, backoff = { minMs: 100, maxMs: 5000 } } = this.deps;
    while (!this.stopping) {
      try {
        const archived = await this.runOnce();
        this.recovered();
        if (archived === 0) await this.wait(idleMs);
      } catch (err) {
        const failures = this.failed(err);
        await this.wait(backoffDelay(failures, backoff, this.random()));
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.stopped.signal, ref: false }).catch(() => {});
  }

  private async archiveRoom(room: string): Promise<number> {
    const { stream, messages, metrics, logger } = this.deps;
    const batch = await this.fromStream(() => stream.unarchived(room, this.deps.batchSize ?? 500));
    const last = batch.at(-1);
    if (last === undefined) return 0;
    try {
      await messages.archiveBatch(batch);
    } catch (err) {
      if (!isAppError(err) || err.code === 'unavailable') throw new StageError('store', err);
      // The store is up but refuses this room (e.g. it does not know it): keep the entries in the stream,
      // where the room's bound makes the trouble visible, and go on with the other rooms.
      metrics.archiveErrors.inc({ stage: 'store' });
      if (!this.refusedRooms.has(room)) {
        this.refusedRooms.add(room);
        logger.error(
          { err, room, size: batch.length },
          'archive refused a room; its entries stay in the stream',
        );
      }
      return 0;
    }
    this.refusedRooms.delete(room);
    await this.fromStream(() => stream.markArchived(room, last.pos));
    metrics.messagesArchived.inc(batch.length);
    return batch.length;
  }

  private async fromStream<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (err) {
      throw new StageError('stream', err);
    }
  }

  private failed(err: unknown): number {
    const stage = err instanceof StageError ? err.stage : 'store';
    const cause = err instanceof StageError ? err.cause : err;
    this.deps.metrics.archiveErrors.inc({ stage });
    if (this.outage === undefined) {
      this.outage = { since: Date.now(), failures: 0, stage };
      this.deps.logger.error(
        { err: cause, stage },
        `archive writes failing (${stage}); retrying with backoff, acknowledged messages wait in the streams`,
      );
    }
    return ++this.outage.failures;
  }

  private recovered(): void {
    if (this.outage === undefined) return;
    const { since, failures, stage } = this.outage;
    this.outage = undefined;
    this.deps.logger.warn({ stage, failures, outageMs: Date.now() - since }, 'archive writes resumed');
  }
}
