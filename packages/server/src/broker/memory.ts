/**
 * In-process broker: the real single-process mode, and several "nodes" in one process when they share a
 * MemoryBus (the in-process multi-gateway tests). The bus plays Redis's part: it holds the rooms' hot
 * history, the send buckets and the resend (dedup) memory, shared by every node on it. Delivery is
 * asynchronous (a microtask flush) so a publisher never re-enters its own handlers, and one FIFO queue per
 * node keeps publish order per room.
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import { boundedLru } from '../bounded-lru.ts';
import { AppError } from '../errors.ts';
import { MemoryHistoryStore } from '../history/memory.ts';
import { MemoryRateLimiter } from '../ratelimit/memory.ts';
import { systemRuntime, type Runtime } from '../runtime.ts';
import type { MessageDraft } from '../storage/repositories.ts';
import type {
  BrokerHandlers,
  ControlMessage,
  HistoryOptions,
  HistoryRead,
  PositionedBroker,
  Publication,
  PublishOptions,
  Published,
  SendRate,
} from './broker.ts';

type Delivery = { kind: 'pub'; room: string; pub: Publication } | { kind: 'control'; msg: ControlMessage };

/** Resends remembered at most (oldest forgotten first); an entry also expires after its dedup ttl. */
const MAX_DEDUP_ENTRIES = 100_000;

const dedupKey = (m: MessageDraft) => `${m.room}\u0000${m.user.id}\u0000${m.cid}`;

/** The "network" and shared state of the memory brokers on it: one bus is one cluster. */
export class MemoryBus {
  readonly nodes = new Set<MemoryBroker>();
  readonly history: MemoryHistoryStore;
  readonly limiter: MemoryRateLimiter;
  readonly dedup = boundedLru<string, { message: ChatMessage; expiresAt: number }>(MAX_DEDUP_ENTRIES);

  constructor(readonly runtime: Runtime = systemRuntime) {
    this.history = new MemoryHistoryStore(runtime);
    this.limiter = new MemoryRateLimiter(runtime);
  }
}

export class MemoryBroker implements PositionedBroker {
  readonly nodeId: string;
  readonly bus: MemoryBus;
  private handlers: BrokerHandlers | undefined;
  private readonly rooms = new Set<string>();
  private queue: Delivery[] = [];
  private scheduled = false;
  private closed = false;
  private readonly onHandlerError: (err: unknown) => void;

  constructor(opts: { nodeId?: string; bus?: MemoryBus; onHandlerError?: (err: unknown) => void } = {}) {
    this.nodeId = opts.nodeId ?? 'local';
    this.bus = opts.bus ?? new MemoryBus();
    // A throwing handler must not stop delivery to the rest of the queue.
    this.onHandlerError = opts.onHandlerError ?? (() => {});
    this.bus.nodes.add(this);
  }

  async start(handlers: BrokerHandlers): Promise<void> {
    this.assertOpen();
    this.handlers = handlers;
  }

  async subscribe(rooms: string[]): Promise<void> {
    this.assertOpen();
    for (const r of rooms) this.rooms.add(r);
  }

  async unsubscribe(rooms: string[]): Promise<void> {
    for (const r of rooms) this.rooms.delete(r);
  }

  async publish(draft: MessageDraft, opts: PublishOptions): Promise<Published> {
    this.assertOpen();
    // Synchronous from here to the delivery: atomic per room, as the Redis script is.
    const seen = this.admit(draft, opts.rate);
    if (seen !== undefined) return seen;
    const pos = this.bus.history.append(draft.room, draft, opts.history);
    const message: ChatMessage = { ...draft, pos };
    this.remember(message, opts.dedupTtlMs);
    this.deliver(draft.room, { kind: 'message', message });
    return { message, duplicate: false };
  }

  admit(draft: MessageDraft, rate: SendRate | undefined): Published | undefined {
    this.assertOpen();
    const seen = this.bus.dedup.get(dedupKey(draft));
    if (seen !== undefined && seen.expiresAt > this.bus.runtime.now()) {
      return { message: seen.message, duplicate: true };
    }
    const takes = [];
    if (rate?.user !== undefined)
      takes.push({ key: `send:u:${draft.room}:${draft.user.id}`, rule: rate.user });
    if (rate?.room !== undefined) takes.push({ key: `send:r:${draft.room}`, rule: rate.room });
    if (takes.length === 0) return undefined;
    const d = this.bus.limiter.takeAll(takes);
    if (!d.allowed) throw new AppError('rate_limited', 'Sending too fast', { retryAfterMs: d.retryAfterMs });
    return undefined;
  }

  async publishAt(
    message: ChatMessage,
    opts: { history: HistoryOptions; dedupTtlMs: number },
  ): Promise<void> {
    this.assertOpen();
    try {
      this.bus.history.append(message.room, message, opts.history);
    } catch (err) {
      // Already held (re-seeded from the archive after this message was stored): deliver it, append nothing.
      if (!this.bus.history.holds(message.room, message.pos, message.id)) throw err;
    }
    this.remember(message, opts.dedupTtlMs);
    this.deliver(message.room, { kind: 'message', message });
  }

  async publishEvent(room: string, event: { json: string; priority: boolean }): Promise<void> {
    this.assertOpen();
    this.deliver(room, { kind: 'event', json: event.json, priority: event.priority });
  }

  async history(room: string, opts: { since?: Position; limit: number }): Promise<HistoryRead> {
    this.assertOpen();
    return this.bus.history.read(room, opts);
  }

  async seed(room: string, epoch: string, messages: ChatMessage[], lastOffset: number): Promise<void> {
    await this.bus.history.seed(room, epoch, messages, lastOffset);
  }

  async control(msg: ControlMessage): Promise<void> {
    this.assertOpen();
    for (const node of this.bus.nodes) {
      if (msg.node === undefined || msg.node === node.nodeId) node.enqueue({ kind: 'control', msg });
    }
  }

  ready(): boolean {
    return !this.closed;
  }

  /** Every node is in this process: nothing is ever missed. */
  continuity(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.bus.nodes.delete(this);
    this.rooms.clear();
    this.queue = [];
  }

  private remember(message: ChatMessage, ttlMs: number): void {
    this.bus.dedup.set(dedupKey(message), { message, expiresAt: this.bus.runtime.now() + ttlMs });
  }

  private deliver(room: string, pub: Publication): void {
    for (const node of this.bus.nodes) if (node.rooms.has(room)) node.enqueue({ kind: 'pub', room, pub });
  }

  private enqueue(d: Delivery): void {
    this.queue.push(d);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const d of batch) {
      const h = this.handlers;
      if (this.closed || h === undefined) return;
      try {
        if (d.kind === 'control') h.onControl(d.msg);
        // Checked again at delivery: nothing reaches a node after it unsubscribed.
        else if (this.rooms.has(d.room)) h.onPublication(d.room, d.pub);
      } catch (err) {
        this.onHandlerError(err);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('unavailable', 'The broker is closed');
  }
}
