/**
 * In-process broker: the real single-process mode, and several "nodes" in one process when they share a
 * MemoryBus (multi-node tests). Delivery is asynchronous (a microtask flush) so a publisher never re-enters
 * its own handlers, and one FIFO queue per node keeps publish order per channel.
 */
import { AppError } from '../errors.ts';
import type { Broker, BrokerHandlers, ControlMessage, Publication } from './broker.ts';

type Delivery = { kind: 'pub'; channel: string; pub: Publication } | { kind: 'control'; msg: ControlMessage };

/** The "network" that memory brokers share; each process-wide default bus is one cluster. */
export class MemoryBus {
  readonly nodes = new Set<MemoryBroker>();
}

export class MemoryBroker implements Broker {
  readonly nodeId: string;
  private readonly bus: MemoryBus;
  private handlers: BrokerHandlers | undefined;
  private readonly channels = new Set<string>();
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

  async subscribe(channels: string[]): Promise<void> {
    this.assertOpen();
    for (const c of channels) this.channels.add(c);
  }

  async unsubscribe(channels: string[]): Promise<void> {
    for (const c of channels) this.channels.delete(c);
  }

  async publish(channel: string, pub: Publication): Promise<void> {
    this.assertOpen();
    for (const node of this.bus.nodes) {
      if (node.channels.has(channel)) node.enqueue({ kind: 'pub', channel, pub });
    }
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

  async close(): Promise<void> {
    this.closed = true;
    this.bus.nodes.delete(this);
    this.channels.clear();
    this.queue = [];
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
        else if (this.channels.has(d.channel)) h.onPublication(d.channel, d.pub);
      } catch (err) {
        this.onHandlerError(err);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('unavailable', 'The broker is closed');
  }
}
