/**
 * Helpers for the room stream tests: drafts, stream options, a writer that appends through the one send script
 * (RedisBroker.publish) and also has the archive feed's methods (RedisRoomStream), history reads, and a broker
 * node that records what it receives.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { MessageDraft } from '../../src/storage/repositories.ts';
import type { RedisClients } from '../../src/broker/redis-clients.ts';
import type { HistoryRead, Published } from '../../src/broker/broker.ts';
import { RedisBroker } from '../../src/broker/redis.ts';
import { RedisRoomStream, type RedisRoomStreamOptions } from '../../src/history/redis-stream.ts';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';

export interface StreamAppendOptions {
  maxSize: number;
  ttlMs: number;
  maxBacklog: number;
  dedupTtlMs: number;
}

export const streamOpts: StreamAppendOptions = {
  maxSize: 1000,
  ttlMs: 60_000,
  maxBacklog: 10_000,
  dedupTtlMs: 60_000,
};

/** The same as PublishOptions, for calling RedisBroker.publish directly. */
export const streamPublish = {
  history: { maxSize: streamOpts.maxSize, ttlMs: streamOpts.ttlMs },
  maxBacklog: streamOpts.maxBacklog,
  dedupTtlMs: streamOpts.dedupTtlMs,
};

export function draft(room: string, text: string, opts: { cid?: string; userId?: string; ts?: number } = {}) {
  const userId = opts.userId ?? 'u1';
  const d: MessageDraft = {
    id: randomUUID(),
    room,
    cid: opts.cid ?? randomUUID(),
    user: { id: userId, name: `n-${userId}`, displayName: `N ${userId}` },
    role: 'fan',
    priority: false,
    text,
    ts: opts.ts ?? 0,
  };
  return d;
}

export type TestRoomStream = RedisRoomStream & {
  append(d: MessageDraft, o: StreamAppendOptions): Promise<Published>;
};

/** The archive feed of `clients`, plus `append`: the send script, with the archiver's pending mark written. */
export function roomStream(
  clients: RedisClients,
  runtime: Runtime,
  opts: RedisRoomStreamOptions = {},
): TestRoomStream {
  const feed = new RedisRoomStream(clients, runtime, opts);
  const broker = new RedisBroker(clients, {
    nodeId: 'writer',
    runtime,
    ...(opts.expiryMarginMs !== undefined ? { expiryMarginMs: opts.expiryMarginMs } : {}),
  });
  return Object.assign(feed, {
    async append(d: MessageDraft, o: StreamAppendOptions): Promise<Published> {
      const r = await broker.publish(d, {
        history: { maxSize: o.maxSize, ttlMs: o.ttlMs },
        maxBacklog: o.maxBacklog,
        dedupTtlMs: o.dedupTtlMs,
      });
      await broker.flushPendingMarks();
      return r;
    },
  });
}

/** History reads of `clients` (RedisBroker.history), as `read` and `top`. */
export function historyOf(clients: RedisClients, runtime: Runtime = systemRuntime) {
  const broker = new RedisBroker(clients, { nodeId: 'reader', runtime });
  return {
    read: (room: string, o: { since?: Position; limit: number }): Promise<HistoryRead> =>
      broker.history(room, o),
    top: async (room: string): Promise<Position> => (await broker.history(room, { limit: 0 })).top,
  };
}

/** A started RedisBroker subscribed to `rooms`, recording every message publication it is handed. */
export async function recordingNode(
  clients: RedisClients,
  rooms: string[],
  opts: { nodeId?: string; onReceived?: (channel: string) => void } = {},
): Promise<{ broker: RedisBroker; got: ChatMessage[] }> {
  const got: ChatMessage[] = [];
  const broker = new RedisBroker(clients, {
    nodeId: opts.nodeId ?? 'n1',
    runtime: systemRuntime,
    ...(opts.onReceived ? { onReceived: opts.onReceived } : {}),
  });
  await broker.start({
    onPublication: (_room, pub) => {
      if (pub.kind === 'message') got.push(pub.message);
    },
    onControl: () => {},
  });
  try {
    // start() may return before the subscriber is ready (a busy machine, a Cluster's shard connections):
    // wait for it, bounded, as a gateway waits for /readyz; close what was opened when it never comes.
    await until(() => broker.ready(), 'the broker to be ready', 60_000);
    if (rooms.length > 0) await broker.subscribe(rooms);
  } catch (err) {
    await broker.close();
    throw err;
  }
  return { broker, got };
}

/** Waits (bounded) until `cond` holds; a deadline, not a timing assertion. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
