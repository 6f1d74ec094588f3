/**
 * Embedded mode keeps hot history in memory while the archive holds everything, so after a restart (or after
 * the memory store dropped an idle room) a room's hot history is loaded from the archive before the room is
 * next joined or written: its epoch and last offset then match the archive, and a resuming client gets what
 * it missed. Once per room per process, concurrency-safe: callers of the same room share one load.
 */
import type { HistoryOptions, PositionedBroker } from '../broker/broker.ts';
import type { Logger } from '../observability/logger.ts';
import { systemRuntime, type Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';

export interface HistorySeederDeps {
  store: Pick<Store, 'rooms' | 'messages'>;
  /** The in-process broker that holds the hot history. */
  history: Pick<PositionedBroker, 'seed'>;
  historyOptions: HistoryOptions;
  runtime?: Runtime;
  logger?: Logger;
}

export class HistorySeeder {
  /** Last time each room was ensured; a room quiet for longer than the ttl may have been dropped. */
  private readonly touched = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<void>>();

  private readonly runtime: Runtime;

  constructor(private readonly deps: HistorySeederDeps) {
    this.runtime = deps.runtime ?? systemRuntime;
  }

  /** Seeds `room` unless it was seeded in this process and used within the history ttl. */
  async ensure(room: string): Promise<void> {
    const pending = this.inflight.get(room);
    if (pending !== undefined) return pending;
    const now = this.runtime.now();
    const last = this.touched.get(room);
    if (last !== undefined && now - last < this.deps.historyOptions.ttlMs) {
      this.touched.set(room, now);
      return;
    }
    return this.reseed(room);
  }

  /** Loads the room from the archive now, replacing what the hot history holds (shared while in flight). */
  reseed(room: string): Promise<void> {
    const pending = this.inflight.get(room);
    if (pending !== undefined) return pending;
    const p = this.load(room).finally(() => this.inflight.delete(room));
    this.inflight.set(room, p);
    return p;
  }

  private async load(room: string): Promise<void> {
    const { store, history, historyOptions } = this.deps;
    const record = await store.rooms.byId(room);
    if (record !== undefined) {
      const last = await store.messages.lastPosition(room);
      const messages = last.offset > 0 ? await store.messages.latest(room, historyOptions.maxSize) : [];
      const epoch = last.offset > 0 ? last.epoch : record.epoch;
      await history.seed(room, epoch, messages, last.offset);
      this.deps.logger?.debug(
        { room, epoch, offset: last.offset, seeded: messages.length },
        'hot history seeded',
      );
    }
    // Unknown rooms are not seeded: joins and sends refuse them before touching history.
    this.touched.set(room, this.runtime.now());
    this.prune();
  }

  /** Keeps the bookkeeping bounded: rooms quiet past the ttl are forgotten (and re-seeded when used). */
  private prune(): void {
    if (this.touched.size < 10_000) return;
    const cutoff = this.runtime.now() - this.deps.historyOptions.ttlMs;
    for (const [room, at] of this.touched) if (at < cutoff) this.touched.delete(room);
  }
}
