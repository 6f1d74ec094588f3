/**
 * Presence over Redis, per room: a sorted set of connection ids scored by expiry (seenAt + ttl) and a hash of
 * connection id -> entry JSON, both under the room's hash tag. Expiry follows the injected clock (passed to the
 * scripts); expired members are invisible at once and removed, a bounded batch per call. The keys themselves
 * expire (real time) a margin after the longest ttl, so abandoned rooms vanish.
 */
import type { Runtime } from '../runtime.ts';
import { guarded, RedisScript, type RedisClients } from '../broker/redis-clients.ts';
import { roomKeys } from '../broker/redis-keys.ts';
import type { PresenceEntry, PresenceStore } from './presence-store.ts';

const PRUNE = `
local function prune(z, h, now)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now, 'LIMIT', 0, 200)
  if #gone > 0 then
    redis.call('ZREM', z, unpack(gone))
    redis.call('HDEL', h, unpack(gone))
  end
end
`;

/** KEYS: zset, hash. ARGV: now, ttl, connection id, entry JSON, key expiry (ms). */
const JOIN = new RedisScript(`${PRUNE}
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
prune(KEYS[1], KEYS[2], now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
local keep = tonumber(ARGV[5])
for _, k in ipairs(KEYS) do
  if redis.call('PTTL', k) < keep then redis.call('PEXPIRE', k, keep) end
end
return 1
`);

/** KEYS: zset, hash. ARGV: now, limit (-1: all). Live entries' JSON. */
const LIST = new RedisScript(`${PRUNE}
local now = tonumber(ARGV[1])
prune(KEYS[1], KEYS[2], now)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for i = 1, #ids, 500 do
  local chunk = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + 499, #ids)))
  for _, json in ipairs(chunk) do out[#out + 1] = json end
end
return out
`);

/** KEYS: zset, hash. ARGV: connection id. */
const LEAVE = new RedisScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`);

/** KEYS: zset, hash. ARGV: now. {connections, distinct users}. */
const STATS = new RedisScript(`${PRUNE}
local now = tonumber(ARGV[1])
prune(KEYS[1], KEYS[2], now)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
local users, count = {}, 0
for i = 1, #ids, 500 do
  local chunk = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + 499, #ids)))
  for _, json in ipairs(chunk) do
    if json then
      local u = cjson.decode(json).userId
      if u and not users[u] then users[u] = true count = count + 1 end
    end
  end
end
return { #ids, count }
`);

export interface RedisPresenceOptions {
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  /** Real-time margin after the longest ttl before Redis drops a room's presence keys (default 60 s). */
  expiryMarginMs?: number;
}

export class RedisPresenceStore implements PresenceStore {
  private readonly prefix: string;
  private readonly margin: number;

  constructor(
    private readonly clients: RedisClients,
    private readonly runtime: Runtime,
    opts: RedisPresenceOptions = {},
  ) {
    this.prefix = opts.prefix ?? clients.prefix;
    this.margin = opts.expiryMarginMs ?? 60_000;
  }

  async join(room: string, entry: PresenceEntry, ttlMs: number): Promise<void> {
    const now = this.runtime.now();
    const ttl = Math.max(1, ttlMs);
    const json = JSON.stringify({ ...entry, seenAt: now });
    await guarded(() =>
      JOIN.run(this.clients.command, this.keys(room), [
        now,
        ttl,
        entry.connectionId,
        json,
        ttl + this.margin,
      ]),
    );
  }

  async leave(room: string, connectionId: string): Promise<void> {
    await guarded(() => LEAVE.run(this.clients.command, this.keys(room), [connectionId]));
  }

  async list(room: string, limit: number): Promise<PresenceEntry[]> {
    if (limit <= 0) return [];
    const reply = (await guarded(() =>
      LIST.run(this.clients.command, this.keys(room), [this.runtime.now(), limit]),
    )) as (string | null)[];
    return reply.filter((j) => j !== null).map((j) => JSON.parse(j) as PresenceEntry);
  }

  async stats(room: string): Promise<{ connections: number; users: number }> {
    const [connections, users] = (await guarded(() =>
      STATS.run(this.clients.command, this.keys(room), [this.runtime.now()]),
    )) as [number, number];
    return { connections, users };
  }

  /** The connection is the caller's (createRedisClients): closing the store releases nothing. */
  async close(): Promise<void> {}

  private keys(room: string): [string, string] {
    const k = roomKeys(this.prefix, room);
    return [k.presence, k.presenceEntries];
  }
}
