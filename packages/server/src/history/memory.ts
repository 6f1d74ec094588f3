/**
 * In-process hot history: per channel, the last `maxSize` messages younger than `ttlMs`, with an epoch and
 * consecutive offsets. Memory is bounded: entries are trimmed by size and age, and a channel idle for longer
 * than its ttl is dropped (it comes back with a new epoch, or re-seeded from the archive).
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { HistoryOptions, HistoryRead } from '../broker/broker.ts';

interface Entry {
  message: ChatMessage;
  /** When the entry counts from, for age trimming (ms). */
  at: number;
}

interface Channel {
  epoch: string;
  /** Offset of the newest message; 0 when nothing yet. */
  top: number;
  /** entries[head..] are live, with consecutive offsets ending at `top`. */
  entries: Entry[];
  head: number;
  opts: HistoryOptions;
  lastActive: number;
}

/** Used until a channel's first append tells its options (seeded or read-only channels). */
export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = { maxSize: 1000, ttlMs: 24 * 60 * 60 * 1000 };
const SWEEP_EVERY_MS = 10_000;

export class MemoryHistoryStore {
  private readonly channels = new Map<string, Channel>();
  private lastSweep: number;

  constructor(
    private readonly runtime: Runtime,
    private readonly defaults: HistoryOptions = DEFAULT_HISTORY_OPTIONS,
  ) {
    this.lastSweep = runtime.now();
  }

  /**
   * Appends `message` and returns its position. When `message.pos` is already set (positions assigned by the
   * durable archive, embedded mode), the store adopts it; it must be exactly top.offset + 1 in the same epoch
   * (AppError('conflict') otherwise), except for a room the store does not hold.
   */
  append(
    channel: string,
    message: Omit<ChatMessage, 'pos'> & { pos?: Position },
    opts: HistoryOptions,
  ): Position {
    const given = message.pos;
    // A new channel adopts the archive's position as it stands (embedded mode after an idle drop).
    const ch = this.channel(channel, given ? { epoch: given.epoch, top: given.offset - 1 } : undefined);
    ch.opts = opts;
    let pos: Position;
    if (given) {
      if (given.epoch !== ch.epoch || given.offset !== ch.top + 1) {
        throw new AppError(
          'conflict',
          `History of ${channel} is at ${ch.epoch}:${ch.top}, not before ${given.offset}`,
        );
      }
      pos = given;
    } else {
      pos = { epoch: ch.epoch, offset: ch.top + 1 };
    }
    ch.entries.push({ message: { ...message, pos }, at: this.runtime.now() });
    ch.top = pos.offset;
    this.trim(ch);
    return pos;
  }

  /** True when the room holds the message `id` at `pos` (an adoption of a message already held is a no-op). */
  holds(channel: string, pos: Position, id: string): boolean {
    const ch = this.channels.get(channel);
    if (ch === undefined || ch.epoch !== pos.epoch || pos.offset > ch.top) return false;
    const index = ch.entries.length - 1 - (ch.top - pos.offset);
    return index >= ch.head && ch.entries[index]?.message.id === id;
  }

  async read(channel: string, opts: { since?: Position; limit: number }): Promise<HistoryRead> {
    const ch = this.channel(channel);
    this.trim(ch);
    const top = { epoch: ch.epoch, offset: ch.top };
    const since = opts.since;
    if (since === undefined) return { recoverable: true, messages: [], top };
    const missing = ch.top - since.offset;
    if (since.epoch !== ch.epoch || missing < 0 || missing > opts.limit) return { recoverable: false, top };
    if (missing === 0) return { recoverable: true, messages: [], top };
    const live = ch.entries.length - ch.head;
    if (missing > live) return { recoverable: false, top };
    const messages = ch.entries.slice(ch.entries.length - missing).map((e) => e.message);
    return { recoverable: true, messages, top };
  }

  async top(channel: string): Promise<Position> {
    const ch = this.channel(channel);
    return { epoch: ch.epoch, offset: ch.top };
  }

  async seed(channel: string, epoch: string, messages: ChatMessage[], lastOffset: number): Promise<void> {
    const old = this.channels.get(channel);
    const opts = old?.opts ?? this.defaults;
    // Only a consecutive run ending at lastOffset is history; anything else cannot serve a resume.
    const run: Entry[] = [];
    let expect = lastOffset;
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.pos.epoch !== epoch || m.pos.offset !== expect) break;
      run.push({ message: m, at: m.ts });
      expect--;
    }
    run.reverse();
    const ch: Channel = {
      epoch,
      top: lastOffset,
      entries: run,
      head: 0,
      opts,
      lastActive: this.runtime.now(),
    };
    this.channels.set(channel, ch);
    this.trim(ch);
  }

  async close(): Promise<void> {
    this.channels.clear();
  }

  /** Channels held in memory (for tests and metrics). */
  size(): number {
    return this.channels.size;
  }

  private channel(name: string, adopt?: { epoch: string; top: number }): Channel {
    const now = this.runtime.now();
    this.sweep(now);
    let ch = this.channels.get(name);
    if (ch !== undefined && now - ch.lastActive > ch.opts.ttlMs) {
      this.channels.delete(name);
      ch = undefined;
    }
    if (ch === undefined) {
      const start = adopt ?? { epoch: this.runtime.id(), top: 0 };
      ch = { ...start, entries: [], head: 0, opts: this.defaults, lastActive: now };
      this.channels.set(name, ch);
    }
    ch.lastActive = now;
    return ch;
  }

  private trim(ch: Channel): void {
    const { maxSize, ttlMs } = ch.opts;
    const oldest = this.runtime.now() - ttlMs;
    while (ch.head < ch.entries.length) {
      const e = ch.entries[ch.head]!;
      if (ch.entries.length - ch.head <= maxSize && e.at >= oldest) break;
      ch.head++;
    }
    // Compact now and then so trimmed entries are released (amortised O(1) per append).
    if (ch.head > 64 && ch.head * 2 > ch.entries.length) {
      ch.entries = ch.entries.slice(ch.head);
      ch.head = 0;
    }
  }

  /** Drops channels idle past their ttl, at most once every SWEEP_EVERY_MS. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [name, ch] of this.channels) {
      if (now - ch.lastActive > ch.opts.ttlMs) this.channels.delete(name);
    }
  }
}
