/** Helpers for RoomStream tests: drafts, stream options, and a broker node that records what it receives. */
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@lightstick/protocol';
import type { MessageDraft } from '../../src/storage/repositories.ts';
import type { StreamAppendOptions } from '../../src/history/room-stream.ts';
import type { RedisClients } from '../../src/broker/redis-clients.ts';
import { RedisBroker } from '../../src/broker/redis.ts';

export const streamOpts: StreamAppendOptions = {
  maxSize: 1000,
  ttlMs: 60_000,
  maxBacklog: 10_000,
  dedupTtlMs: 60_000,
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

/** A started RedisBroker subscribed to `rooms`, recording every message publication it is handed. */
export async function recordingNode(
  clients: RedisClients,
  rooms: string[],
  opts: { nodeId?: string; onReceived?: (channel: string) => void } = {},
): Promise<{ broker: RedisBroker; got: ChatMessage[] }> {
  const got: ChatMessage[] = [];
  const broker = new RedisBroker(clients, {
    nodeId: opts.nodeId ?? 'n1',
    ...(opts.onReceived ? { onReceived: opts.onReceived } : {}),
  });
  await broker.start({ onPublication: (_room, pub) => got.push(pub.message), onControl: () => {} });
  if (rooms.length > 0) await broker.subscribe(rooms);
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
    await new Promise((r) => setTimeout(r, 5));
  }
}
