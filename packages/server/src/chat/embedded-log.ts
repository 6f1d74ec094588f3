/**
 * Embedded-mode MessageLog: group commit wrapped around the in-process broker. The broker admits a send first
 * (a known resend is answered at once; the send buckets are taken). Drafts then queue for at most
 * `groupCommitMs` (or until a batch fills) and go to the archive in ONE appendBatch transaction, which gives
 * them their positions; then, in order, the broker adopts each new message into the room's hot history and
 * publishes it. The commit resolves after both.
 */
import { AppError } from '../errors.ts';
import type { HistoryOptions, PositionedBroker, Published, SendRate } from '../broker/broker.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { Runtime } from '../runtime.ts';
import type { MessageDraft, MessagesRepo } from '../storage/repositories.ts';
import type { MessageLog } from './message-log.ts';
import type { ChatMessage } from '@lightstick/protocol';

type Committed = Published;

interface Pending {
  draft: MessageDraft;
  startedAt: number;
  resolve(r: Committed): void;
  reject(e: unknown): void;
}

export interface EmbeddedMessageLogDeps {
  messages: MessagesRepo;
  broker: PositionedBroker;
  runtime: Runtime;
  metrics: Metrics;
  logger: Logger;
  groupCommitMs: number;
  maxBacklog: number;
  historyOptions: HistoryOptions;
  /** How long the broker answers a resend from memory (the archive dedups beyond it). */
  dedupTtlMs: number;
  /** Largest batch per transaction (default 256). */
  maxBatch?: number;
  /** Loads a room's hot history from the archive before its first append (HistorySeeder). */
  seeder?: { ensure(room: string): Promise<void>; reseed(room: string): Promise<void> };
}

export class EmbeddedMessageLog implements MessageLog {
  private queue: Pending[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private draining = false;
  private readonly maxBatch: number;

  constructor(private readonly deps: EmbeddedMessageLogDeps) {
    this.maxBatch = deps.maxBatch ?? 256;
  }

  commit(draft: MessageDraft, rate?: SendRate): Promise<Committed> {
    if (this.draining) return Promise.reject(new AppError('unavailable', 'The server is shutting down'));
    let known: Published | undefined;
    try {
      known = this.deps.broker.admit(draft, rate);
    } catch (err) {
      return Promise.reject(err);
    }
    if (known !== undefined) return Promise.resolve(known);
    if (this.backlog() >= this.deps.maxBacklog) {
      return Promise.reject(new AppError('unavailable', 'Too many messages waiting to be stored; try again'));
    }
    return new Promise<Committed>((resolve, reject) => {
      this.queue.push({ draft, startedAt: performance.now(), resolve, reject });
      this.deps.metrics.archiveBacklog.set(this.backlog());
      this.schedule();
    });
  }

  backlog(): number {
    return this.queue.length + this.inFlight;
  }

  async drain(): Promise<void> {
    this.draining = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing !== undefined || this.queue.length > 0) {
      await (this.flushing ?? this.flushLoop());
    }
  }

  private schedule(): void {
    if (this.flushing !== undefined) return; // the running loop picks the queue up
    if (this.queue.length >= this.maxBatch) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      void this.flushLoop();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flushLoop();
      }, this.deps.groupCommitMs);
    }
  }

  /** One loop at a time: batches are written in order, so offsets are assigned in commit order. */
  private flushLoop(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.inFlight = batch.length;
        await this.flushBatch(batch);
        this.inFlight = 0;
        this.deps.metrics.archiveBacklog.set(this.backlog());
      }
    })().finally(() => {
      this.flushing = undefined;
      // A commit that arrived after the loop's last look at the queue must not be stranded.
      if (this.queue.length > 0 && !this.draining) this.schedule();
    });
    return this.flushing;
  }

  private async flushBatch(batch: Pending[]): Promise<void> {
    const { messages, logger } = this.deps;
    let results: Committed[];
    try {
      if (this.deps.seeder !== undefined) {
        const rooms = new Set(batch.map((p) => p.draft.room));
        await Promise.all([...rooms].map((r) => this.deps.seeder!.ensure(r)));
      }
      results = await messages.appendBatch(batch.map((p) => p.draft));
      if (results.length !== batch.length) throw new Error('appendBatch returned a result per draft');
    } catch (err) {
      logger.error({ err, size: batch.length }, 'group commit failed');
      const refusal = new AppError('unavailable', 'The message could not be stored; try again');
      for (const p of batch) p.reject(refusal);
      return;
    }
    // Durable from here: hot history and broker trouble is logged, never turned into a refusal.
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      const r = results[i]!;
      if (!r.duplicate) await this.publish(r.message);
      else this.deps.logger.debug({ room: r.message.room }, 'duplicate cid acknowledged again');
      this.deps.metrics.commitLatency.observe((performance.now() - p.startedAt) / 1000);
      if (!r.duplicate) this.deps.metrics.messagesAccepted.inc();
      p.resolve(r);
    }
  }

  /** Without a seeder: the archive (which just stored this message) is the truth for the hot history. */
  private async reseedFromArchive(room: string): Promise<void> {
    const { messages, broker, historyOptions } = this.deps;
    const last = await messages.lastPosition(room);
    await broker.seed(room, last.epoch, await messages.latest(room, historyOptions.maxSize), last.offset);
  }

  private async publish(message: ChatMessage): Promise<void> {
    const { broker, historyOptions, dedupTtlMs, logger, seeder } = this.deps;
    try {
      await broker.publishAt(message, { history: historyOptions, dedupTtlMs });
    } catch (err) {
      // Hot history out of step with the archive (e.g. seeded from another writer): the archive is the truth.
      logger.warn({ err, room: message.room, pos: message.pos }, 'hot history append failed; reseeding');
      try {
        await (seeder ? seeder.reseed(message.room) : this.reseedFromArchive(message.room));
        // The reseeded history holds the message: publish it to the live members too.
        await broker.publishAt(message, { history: historyOptions, dedupTtlMs });
      } catch (e) {
        // Subscribers find the gap from the positions and resume from hot history.
        logger.error({ err: e, room: message.room }, 'reseed failed');
      }
    }
  }
}
