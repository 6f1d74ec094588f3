/**
 * Redis key and channel names, and the room channel's payload envelope. docs/redis.md lists them.
 *
 * Every per-room key carries the hash tag `{r:<room>}` so a room's keys sit in one Redis Cluster slot and one Lua
 * script may touch them all (and SPUBLISH on the room's channel).
 */
import type { ChatMessage, Position } from '@lightstick/protocol';

export interface RoomKeys {
  /** Hash: e=epoch, s=top offset, a=archived offset, u=updated ms, t=ttl ms, m=max size. */
  meta: string;
  /** Stream: entry id `<offset>-0`, fields o=offset, t=appended ms, d=message JSON without pos. */
  stream: string;
  /** The room's broker channel. */
  channel: string;
  /** The room's send ceiling bucket (hash: k=tokens, at=ms). */
  roomBucket: string;
}

export function roomKeys(prefix: string, room: string): RoomKeys {
  const base = `${prefix}{r:${room}}`;
  return {
    meta: `${base}:meta`,
    stream: `${base}:stream`,
    channel: `${base}:ch`,
    roomBucket: `${base}:rl:room`,
  };
}

/** Dedup key of a (room, user, cid); value `<offset>|<mid>|<epoch>`. User ids never contain `:`. */
export function clientIdKey(prefix: string, room: string, userId: string, cid: string): string {
  return `${prefix}{r:${room}}:cid:${userId}:${cid}`;
}

/** A sender's bucket in a room (hash: k=tokens, at=ms), in the room's slot so the send script takes it. */
export function userBucketKey(prefix: string, room: string, userId: string): string {
  return `${prefix}{r:${room}}:rl:u:${userId}`;
}

/** Set of rooms that have unarchived entries (the archiver's work list). */
export const pendingKey = (prefix: string): string => `${prefix}archive:pending`;
/** Node-to-node control messages. */
export const controlChannel = (prefix: string): string => `${prefix}control`;
/** A rate limiter bucket. */
export const bucketKey = (prefix: string, key: string): string => `${prefix}rl:${key}`;
/** SCAN pattern matching every room's meta key. */
export const metaPattern = (prefix: string): string => `${escapeGlob(prefix)}{r:*}:meta`;

/** The room of a room key or channel (`<prefix>{r:<room>}<suffix>`), or undefined for another name. */
export function roomOf(prefix: string, name: string, suffix: string): string | undefined {
  const head = `${prefix}{r:`;
  const tail = `}${suffix}`;
  if (!name.startsWith(head) || !name.endsWith(tail) || name.length < head.length + tail.length)
    return undefined;
  return name.slice(head.length, name.length - tail.length);
}

/**
 * Room channel payload: `<epoch>:<offset>:<message JSON without pos>`, built by the send script (the only
 * publisher of messages). Epochs never contain `:` (they are UUIDs).
 */
const ENVELOPE = /^([^:]*):(\d+):/;

/** Ephemeral room frames: `!<0|1 priority><frame JSON>`; epochs (UUIDs) never start with `!`. */
export const EVENT_MARK = '!';

export function encodeEvent(ev: { json: string; priority: boolean }): string {
  return `${EVENT_MARK}${ev.priority ? '1' : '0'}${ev.json}`;
}

export function decodeEvent(payload: string): { kind: 'event'; json: string; priority: boolean } {
  return { kind: 'event', priority: payload[1] === '1', json: payload.slice(2) };
}

/** Decodes a room channel payload; undefined when it is not one. */
export function decodeMessage(payload: string): ChatMessage | undefined {
  const head = ENVELOPE.exec(payload);
  if (head === null) return undefined;
  try {
    const body = JSON.parse(payload.slice(head[0].length)) as Omit<ChatMessage, 'pos'>;
    if (typeof body !== 'object' || body === null) return undefined;
    return withPos(body, { epoch: head[1]!, offset: Number(head[2]) });
  } catch {
    return undefined;
  }
}

/** The message with its position. */
export function withPos(body: Omit<ChatMessage, 'pos'>, pos: Position): ChatMessage {
  return { ...body, pos };
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
