/**
 * The Hub: room -> local subscribers. Subscribes the broker on a room's first local member and unsubscribes
 * on its last; hands each publication to the room's outbox and flushes all dirty outboxes once per tick.
 */
import type { ChatMessage } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Broker, Publication } from '../broker/broker.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { RoomOutbox, type OutboxDeps, type Subscriber } from './outbox.ts';

interface RoomEntry {
  members: Set<Subscriber>;
  outbox: RoomOutbox;
  subscribed: Promise<void>;
}

export interface HubDeps extends OutboxDeps {
  broker: Broker;
  metrics: Metrics;
  logger: Logger;
  /** Resolves once the broker has the node's handlers. */
  started: Promise<void>;
}

export class Hub {
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly dirty = new Set<RoomEntry>();
  private flushScheduled = false;

  constructor(private readonly deps: HubDeps) {}

  /** Adds a member; resolves once the broker delivers the room's publications to this node. */
  async add(room: string, sub: Subscriber): Promise<void> {
    let entry = this.rooms.get(room);
    if (entry === undefined) {
      const subscribed = this.deps.started.then(() => this.deps.broker.subscribe([room]));
      entry = { members: new Set(), outbox: new RoomOutbox(room, this.deps), subscribed };
      this.rooms.set(room, entry);
      this.deps.metrics.rooms.set(this.rooms.size);
      subscribed.catch(() => {}); // observed below by whoever awaits it
    }
    entry.members.add(sub);
    try {
      await entry.subscribed;
    } catch (err) {
      this.deps.logger.error({ err, room }, 'broker subscribe failed');
      await this.remove(room, sub);
      throw new AppError('unavailable', 'The room is not available right now; try again');
    }
  }

  async remove(room: string, sub: Subscriber): Promise<void> {
    const entry = this.rooms.get(room);
    if (entry === undefined || !entry.members.delete(sub)) return;
    if (entry.members.size > 0) return;
    this.rooms.delete(room);
    this.dirty.delete(entry);
    this.deps.metrics.rooms.set(this.rooms.size);
    await this.deps.broker.unsubscribe([room]).catch((err: unknown) => {
      this.deps.logger.warn({ err, room }, 'broker unsubscribe failed');
    });
  }

  /** Broker callback: every publication of a subscribed room, this node's own included. */
  onPublication(room: string, pub: Publication): void {
    const entry = this.rooms.get(room);
    if (entry === undefined || pub.kind !== 'message') return;
    this.enqueue(entry, pub.message);
  }

  roomCount(): number {
    return this.rooms.size;
  }

  memberCount(room: string): number {
    return this.rooms.get(room)?.members.size ?? 0;
  }

  /** Writes whatever is gathered now (used before closing). */
  flushNow(): void {
    this.flushScheduled = false;
    const entries = [...this.dirty];
    this.dirty.clear();
    for (const e of entries) e.outbox.flush(e.members);
  }

  async close(): Promise<void> {
    const rooms = [...this.rooms.keys()];
    this.rooms.clear();
    this.dirty.clear();
    this.deps.metrics.rooms.set(0);
    if (rooms.length > 0) await this.deps.broker.unsubscribe(rooms).catch(() => {});
  }

  private enqueue(entry: RoomEntry, message: ChatMessage): void {
    if (entry.outbox.push(message)) this.dirty.add(entry);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after the microtasks of this tick: everything the broker delivered now is one frame.
    setImmediate(() => this.flushNow());
  }
}
