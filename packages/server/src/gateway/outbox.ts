/**
 * Per-room outbox: gathers one tick's publications and turns them into ONE `msgs` frame, serialised once
 * per process and written as the same bytes to every local socket. Slow sockets (past softBufferBytes) get a
 * second shared frame with only the priority messages and a `skipped` count; `upto` always advances so the
 * client's resume point is exact. A socket past hardBufferBytes is closed with 4010 and resumes.
 */
import { CloseCode, type ChatMessage, type MessagesFrame, type ServerFrame } from '@lightstick/protocol';
import type { Metrics } from '../observability/metrics.ts';
import { prepare, type Connection, type PreparedFrame } from './connection.ts';

/** A local member of a room, as the Hub and outbox see it. */
export interface Subscriber {
  readonly connection: Connection;
  /** Frames for `room` are held here (not written) while the member's `joined` answer is being prepared. */
  held(room: string): PreparedFrame[] | undefined;
}

export interface OutboxDeps {
  metrics: Pick<Metrics, 'messagesDelivered' | 'messagesSkipped' | 'deliverLatency'>;
  limits: { softBufferBytes: number; hardBufferBytes: number };
  /** Takes the receive time (performance.now() ms) of a message sent through this process. */
  receivedAt?: (messageId: string) => number | undefined;
  /** Serialiser, injectable so tests can count serialisations. */
  serialize?: (frame: ServerFrame) => string;
}

export class RoomOutbox {
  private pending: ChatMessage[] = [];

  constructor(
    readonly room: string,
    private readonly deps: OutboxDeps,
  ) {}

  /** Queues a message; returns true when the outbox was empty (the caller schedules a flush). */
  push(message: ChatMessage): boolean {
    this.pending.push(message);
    return this.pending.length === 1;
  }

  /** Writes the gathered messages to `members`, once per tick. */
  flush(members: Iterable<Subscriber>): void {
    const msgs = this.pending;
    if (msgs.length === 0) return;
    this.pending = [];
    const { metrics, limits, serialize } = this.deps;
    const upto = msgs[msgs.length - 1]!.pos;
    const full = prepare({ t: 'msgs', room: this.room, msgs, upto }, serialize);
    let thin: PreparedFrame | undefined;
    let priorityCount = 0;
    let delivered = 0;
    let skipped = 0;

    for (const member of members) {
      const conn = member.connection;
      if (!conn.open) continue;
      const hold = member.held(this.room);
      if (hold !== undefined) {
        hold.push(full);
        continue;
      }
      const buffered = conn.bufferedAmount();
      if (buffered > limits.hardBufferBytes) {
        conn.close(CloseCode.SlowConsumer, 'slow consumer: reconnect and resume');
        continue;
      }
      if (buffered <= limits.softBufferBytes) {
        conn.write(full);
        delivered += msgs.length;
        continue;
      }
      if (thin === undefined) {
        const lane = msgs.filter((m) => m.priority);
        priorityCount = lane.length;
        const frame: MessagesFrame = {
          t: 'msgs',
          room: this.room,
          msgs: lane,
          skipped: msgs.length - lane.length,
          upto,
        };
        thin = prepare(frame, serialize);
      }
      conn.write(thin);
      delivered += priorityCount;
      skipped += msgs.length - priorityCount;
    }

    if (delivered > 0) metrics.messagesDelivered.inc(delivered);
    if (skipped > 0) metrics.messagesSkipped.inc(skipped);
    if (this.deps.receivedAt !== undefined) {
      const now = performance.now();
      for (const m of msgs) {
        const at = this.deps.receivedAt(m.id);
        if (at !== undefined) metrics.deliverLatency.observe((now - at) / 1000);
      }
    }
  }
}
