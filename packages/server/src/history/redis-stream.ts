/**
 * RoomStream over Redis: the archive's feed from the room streams that RedisBroker.publish appends to (one
 * script per send, history/redis-scripts.ts). The archiver drains them through pendingRooms / unarchived /
 * markArchived. Key layout: broker/redis-keys.ts and docs/redis.md.
 *
 * The pending set (`<prefix>archive:pending`) lives in another cluster slot than the rooms, so the broker adds
 * rooms to it in batches after the script. A lost update (crash in between) is repaired by a periodic SCAN of the rooms'
 * meta keys, and removals re-check the room afterwards so a concurrent append is never forgotten.
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { Runtime } from '../runtime.ts';
import type { MessageDraft } from '../storage/repositories.ts';
import { guarded, type RedisClients, type RedisConnection } from '../broker/redis-clients.ts';
import { metaPattern, pendingKey, roomKeys, roomOf, withPos } from '../broker/redis-keys.ts';
import type { RoomStream } from './room-stream.ts';
import { MARK_ARCHIVED, UNARCHIVED } from './redis-scripts.ts';

export interface RedisRoomStreamOptions {
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  /** Real-time margin after a fully archived room's ttl before Redis drops its keys (default 1 h). */
  expiryMarginMs?: number;
  /** How long backlog() may reuse its last sum, by the runtime clock (default 1000 ms; 0: never). */
  backlogCacheMs?: number;
  /** How often pendingRooms() re-scans the rooms for a lost pending mark, by the runtime clock (default 60 s). */
  repairEveryMs?: number;
}

export class RedisRoomStream implements RoomStream {
  private readonly prefix: string;
  private readonly margin: number;
  private readonly backlogCacheMs: number;
  private readonly repairEveryMs: number;
  private cached: { at: number; value: number } | undefined;
  private lastRepair: number | undefined;
  private needRepair = false;
  private cursor = '0';
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();

  constructor(
    private readonly clients: RedisClients,
    private readonly runtime: Runtime,
    opts: RedisRoomStreamOptions = {},
  ) {
    this.prefix = opts.prefix ?? clients.prefix;
    this.margin = opts.expiryMarginMs ?? 60 * 60 * 1000;
    this.backlogCacheMs = opts.backlogCacheMs ?? 1000;
    this.repairEveryMs = opts.repairEveryMs ?? 60_000;
  }

  async pendingRooms(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    return guarded(async () => {
      const now = this.runtime.now();
      if (this.needRepair || this.lastRepair === undefined || now - this.lastRepair >= this.repairEveryMs) {
        await this.repairPending();
      }
      const out: string[] = [];
      for (const room of await this.nextPending(limit)) {
        if ((await this.roomBacklog(room)) > 0) out.push(room);
        else await this.forget(room);
      }
      return out;
    });
  }

  async unarchived(room: string, limit: number): Promise<ChatMessage[]> {
    if (limit <= 0) return [];
    const keys = roomKeys(this.prefix, room);
    const reply = (await guarded(() =>
      UNARCHIVED.run(this.cmd, [keys.meta, keys.stream], [limit]),
    )) as unknown[];
    if (reply.length === 0) return [];
    const epoch = reply[0] as string;
    const out: ChatMessage[] = [];
    for (let i = 1; i + 1 < reply.length; i += 2) {
      const body = JSON.parse(reply[i + 1] as string) as MessageDraft;
      out.push(withPos(body, { epoch, offset: reply[i] as number }));
    }
    return out;
  }

  async markArchived(room: string, upTo: Position): Promise<void> {
    const keys = roomKeys(this.prefix, room);
    await guarded(async () => {
      const left = (await MARK_ARCHIVED.run(
        this.cmd,
        [keys.meta, keys.stream],
        [upTo.epoch, upTo.offset, this.runtime.now(), this.margin],
      )) as number;
      if (left <= 0) await this.forget(room);
    });
  }

  async backlog(): Promise<number> {
    const now = this.runtime.now();
    if (this.cached !== undefined && now - this.cached.at < this.backlogCacheMs) return this.cached.value;
    const value = await guarded(async () => {
      const rooms = await this.cmd.smembers(pendingKey(this.prefix));
      let sum = 0;
      for (let i = 0; i < rooms.length; i += 500) {
        const counts = await Promise.all(rooms.slice(i, i + 500).map((r) => this.roomBacklog(r)));
        for (const c of counts) sum += c;
      }
      return sum;
    });
    this.cached = { at: now, value };
    return value;
  }

  /** Marks every room that has unarchived entries as pending (SCAN of the meta keys); returns how many. */
  async repairPending(): Promise<number> {
    return guarded(async () => {
      this.needRepair = false;
      this.lastRepair = this.runtime.now();
      let marked = 0;
      for (const node of this.scanNodes()) {
        let cursor = '0';
        do {
          // TYPE hash: a dedup key whose cid ends in `}:meta` matches the pattern too, and is a string.
          const [next, keys] = await node.scan(
            cursor,
            'MATCH',
            metaPattern(this.prefix),
            'COUNT',
            1000,
            'TYPE',
            'hash',
          );
          cursor = next;
          const rooms = keys.map((k) => roomOf(this.prefix, k, ':meta')).filter((r) => r !== undefined);
          const counts = await Promise.all(rooms.map((r) => this.roomBacklog(r)));
          const pending = rooms.filter((_r, i) => counts[i]! > 0);
          if (pending.length > 0) marked += await this.cmd.sadd(pendingKey(this.prefix), ...pending);
        } while (cursor !== '0');
      }
      return marked;
    });
  }

  /** The connection is the caller's (createRedisClients): closing the stream releases nothing. */
  async close(): Promise<void> {}

  private get cmd(): RedisConnection {
    return this.clients.command;
  }

  private scanNodes(): RedisConnection[] {
    const cmd = this.cmd;
    return 'nodes' in cmd && this.clients.cluster ? cmd.nodes('master') : [cmd];
  }

  /** The next `limit` members of the pending set, round-robin over calls (SSCAN pages, queued locally). */
  private async nextPending(limit: number): Promise<string[]> {
    while (this.queue.length < limit) {
      const page = Math.max(limit, 100);
      const [next, members] = await this.cmd.sscan(pendingKey(this.prefix), this.cursor, 'COUNT', page);
      this.cursor = next;
      for (const m of members) {
        if (this.queued.has(m)) continue;
        this.queued.add(m);
        this.queue.push(m);
      }
      if (next === '0') break; // one pass over the set is enough for this call
    }
    const out = this.queue.splice(0, limit);
    for (const m of out) this.queued.delete(m);
    return out;
  }

  private async roomBacklog(room: string): Promise<number> {
    const [s, a] = await this.cmd.hmget(roomKeys(this.prefix, room).meta, 's', 'a');
    return s === null ? 0 : Math.max(0, Number(s) - Number(a ?? 0));
  }

  /** Removes a caught-up room from the pending set, then re-checks: an append in between puts it back. */
  private async forget(room: string): Promise<void> {
    await this.cmd.srem(pendingKey(this.prefix), room);
    if ((await this.roomBacklog(room)) > 0) await this.cmd.sadd(pendingKey(this.prefix), room);
  }
}
