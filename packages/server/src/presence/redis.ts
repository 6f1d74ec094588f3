/**
 * Room counters over Redis: one script call per node per interval. All keys carry the hash tag `{presence}` (one
 * cluster slot): `nodes` (zset node -> expiry by the injected clock), `n:<node>` (hash room -> the node's gauges
 * as JSON), `live:<name>` (hash room -> the gauge summed over the live nodes, kept up to date by deltas),
 * `total:<name>` (hash room -> running total), `names` (set of counter names). A report subtracts the node's old
 * gauges and adds its new ones, so reading a room's counters is O(counter names), not O(nodes); a node that
 * stopped reporting is subtracted by the next report of any node. docs/redis.md lists the keys.
 */
import type { Runtime } from '../runtime.ts';
import { guarded, RedisScript, type RedisClients } from '../broker/redis-clients.ts';
import type { Counters, MergedCounters, NodeReport, PresenceStore } from './presence-store.ts';

const MERGE = `
local function apply(hash, sign, base)
  local flat = redis.call('HGETALL', hash)
  for i = 1, #flat, 2 do
    for name, n in pairs(cjson.decode(flat[i + 1])) do
      local key = base .. 'live:' .. name
      if redis.call('HINCRBY', key, flat[i], sign * n) == 0 then redis.call('HDEL', key, flat[i]) end
    end
  end
end
local function read(base, rooms, from)
  local names = redis.call('SMEMBERS', base .. 'names')
  local out = {}
  for i = from, #rooms do
    local live, total = {}, {}
    for _, name in ipairs(names) do
      local l = tonumber(redis.call('HGET', base .. 'live:' .. name, rooms[i]) or '0')
      local t = tonumber(redis.call('HGET', base .. 'total:' .. name, rooms[i]) or '0')
      if l ~= 0 then live[name] = l end
      if t ~= 0 then total[name] = t end
    end
    out[#out + 1] = cjson.encode(live)
    out[#out + 1] = cjson.encode(total)
  end
  return out
end
local function prune(base, now, keep_node)
  local gone = redis.call('ZRANGEBYSCORE', base .. 'nodes', '-inf', now)
  for _, other in ipairs(gone) do
    if other ~= keep_node then
      apply(base .. 'n:' .. other, -1, base)
      redis.call('DEL', base .. 'n:' .. other)
    end
    redis.call('ZREM', base .. 'nodes', other)
  end
end
`;

/**
 * ARGV: base (`<prefix>{presence}:`), now, ttl, node, key expiry ms, live count, (room, gauges JSON)...,
 * adds count, (room, increments JSON)..., then the rooms to read. Returns (live JSON, total JSON) per room.
 */
const REPORT = new RedisScript(
  'lightstickPresenceReport',
  `${MERGE}
local base, now, ttl, node, keep = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local mine = base .. 'n:' .. node
prune(base, now, node)
apply(mine, -1, base)
redis.call('DEL', mine)
local i = 7
for _ = 1, tonumber(ARGV[6]) do
  redis.call('HSET', mine, ARGV[i], ARGV[i + 1])
  for name in pairs(cjson.decode(ARGV[i + 1])) do redis.call('SADD', base .. 'names', name) end
  i = i + 2
end
apply(mine, 1, base)
local adds = tonumber(ARGV[i])
i = i + 1
for _ = 1, adds do
  for name, n in pairs(cjson.decode(ARGV[i + 1])) do
    redis.call('SADD', base .. 'names', name)
    redis.call('HINCRBY', base .. 'total:' .. name, ARGV[i], n)
  end
  i = i + 2
end
redis.call('ZADD', base .. 'nodes', now + ttl, node)
for _, k in ipairs({ base .. 'nodes', mine, base .. 'names' }) do redis.call('PEXPIRE', k, keep) end
return read(base, ARGV, i)
`,
);

/** ARGV: base, now, then the rooms to read. */
const COUNTS = new RedisScript(
  'lightstickPresenceCounts',
  `${MERGE}
prune(ARGV[1], tonumber(ARGV[2]), '')
return read(ARGV[1], ARGV, 3)
`,
);

/** ARGV: base, node. */
const REMOVE = new RedisScript(
  'lightstickPresenceRemove',
  `${MERGE}
apply(ARGV[1] .. 'n:' .. ARGV[2], -1, ARGV[1])
redis.call('DEL', ARGV[1] .. 'n:' .. ARGV[2])
redis.call('ZREM', ARGV[1] .. 'nodes', ARGV[2])
return 1
`,
);

export interface RedisPresenceOptions {
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  /** Real time the keys of a deployment that stopped reporting are kept (default 1 day). */
  keepMs?: number;
}

export class RedisPresenceStore implements PresenceStore {
  private readonly base: string;
  private readonly keepMs: number;

  constructor(
    private readonly clients: RedisClients,
    private readonly runtime: Runtime,
    opts: RedisPresenceOptions = {},
  ) {
    this.base = `${opts.prefix ?? clients.prefix}{presence}:`;
    this.keepMs = opts.keepMs ?? 24 * 60 * 60 * 1000;
  }

  async report(
    node: string,
    report: NodeReport,
    ttlMs: number,
    rooms: readonly string[],
  ): Promise<Map<string, MergedCounters>> {
    const args: (string | number)[] = [this.base, this.runtime.now(), Math.max(1, ttlMs), node, this.keepMs];
    pushCounters(args, report.live);
    pushCounters(args, report.adds ?? new Map());
    args.push(...rooms);
    const reply = (await guarded(() => REPORT.run(this.clients.command, [this.base], args))) as string[];
    return decode(rooms, reply);
  }

  async counts(rooms: readonly string[]): Promise<Map<string, MergedCounters>> {
    const args = [this.base, this.runtime.now(), ...rooms];
    const reply = (await guarded(() => COUNTS.run(this.clients.command, [this.base], args))) as string[];
    return decode(rooms, reply);
  }

  async remove(node: string): Promise<void> {
    await guarded(() => REMOVE.run(this.clients.command, [this.base], [this.base, node]));
  }

  /** The connection is the caller's (createRedisClients): closing the store releases nothing. */
  async close(): Promise<void> {}
}

function pushCounters(args: (string | number)[], counters: ReadonlyMap<string, Counters>): void {
  const entries = [...counters].filter(([, c]) => Object.values(c).some((n) => n !== 0));
  args.push(entries.length);
  for (const [room, c] of entries) args.push(room, JSON.stringify(c));
}

function decode(rooms: readonly string[], reply: string[]): Map<string, MergedCounters> {
  const out = new Map<string, MergedCounters>();
  rooms.forEach((room, i) => {
    // cjson encodes an empty table as {} (an object), which is what an empty counter set is.
    out.set(room, {
      live: JSON.parse(reply[2 * i]!) as Counters,
      total: JSON.parse(reply[2 * i + 1]!) as Counters,
    });
  });
  return out;
}
