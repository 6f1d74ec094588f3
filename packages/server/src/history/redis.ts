/**
 * Hot history over Redis, on the same keys as the RoomStream (history/redis-stream.ts).
 *
 * Design (docs/redis.md says the same at length):
 * - Keys start with a prefix (default `ls:`); a room's keys carry the hash tag `{r:<room>}` (one cluster slot):
 *   `{r:<room>}:meta` hash e=epoch s=top a=archived u=updated t=ttl m=maxSize; `{r:<room>}:stream` with entry ids
 *   `<offset>-0` and fields o=offset t=appended ms d=message JSON without pos; `{r:<room>}:cid:<user>:<cid>` =
 *   `<offset>|<mid>|<epoch>` (dedup, PX ttl); channel `{r:<room>}:ch`; `archive:pending` set; `control` channel.
 * - RoomStream.append is one Lua script: dedup -> create the epoch when the room is gone -> backlog bound ->
 *   s+1 -> XADD -> trim (size window max(maxSize, s-a); age only for archived entries) -> dedup key -> expiry ->
 *   PUBLISH/SPUBLISH `<epoch>:<offset>:<json>`. Time comes from the injected Runtime as a script argument.
 * - read(since) ranges ids since+1.. and checks continuity (count and first offset) and the size/age window, so
 *   approximate XTRIM never serves a trimmed entry. Another epoch, a hole or more than `limit` missing: reload.
 * - A room idle past its ttl with nothing left to archive is gone (new epoch on next touch), like the in-memory
 *   store; Redis itself drops its keys a margin later (PEXPIRE, real time). Unarchived rooms never expire.
 * - HistoryStore.append uses the append script without dedup or publish; its entries count as archived when
 *   nothing before them waits (embedded mode gives archived positions; nothing feeds an archiver from here).
 * - Every Redis failure is AppError('unavailable').
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { guarded, type RedisClients } from '../broker/redis-clients.ts';
import { roomKeys, withPos } from '../broker/redis-keys.ts';
import type { HistoryOptions, HistoryRead, HistoryStore } from './history-store.ts';
import { DEFAULT_HISTORY_OPTIONS } from './memory.ts';
import { APPEND, READ, SEED } from './redis-scripts.ts';

export interface RedisHistoryOptions {
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  /** Options of rooms first touched by read, top or seed (default: the in-memory store's). */
  defaults?: HistoryOptions;
  /** Real-time margin after a fully archived room's ttl before Redis drops its keys (default 1 h). */
  expiryMarginMs?: number;
}

export class RedisHistoryStore implements HistoryStore {
  private readonly prefix: string;
  private readonly defaults: HistoryOptions;
  private readonly margin: number;

  constructor(
    private readonly clients: RedisClients,
    private readonly runtime: Runtime,
    opts: RedisHistoryOptions = {},
  ) {
    this.prefix = opts.prefix ?? clients.prefix;
    this.defaults = opts.defaults ?? DEFAULT_HISTORY_OPTIONS;
    this.margin = opts.expiryMarginMs ?? 60 * 60 * 1000;
  }

  async append(channel: string, message: ChatMessage, opts: HistoryOptions): Promise<Position> {
    const { pos: given, ...body } = message as Omit<ChatMessage, 'pos'> & { pos?: Position };
    const keys = roomKeys(this.prefix, channel);
    const reply = (await guarded(() =>
      APPEND.run(
        this.clients.command,
        [keys.meta, keys.stream, keys.channel],
        [
          this.runtime.now(),
          this.runtime.id(),
          JSON.stringify(body),
          Math.max(1, opts.ttlMs),
          Math.max(1, opts.maxSize),
          0,
          1,
          body.id,
          given?.epoch ?? '',
          given?.offset ?? 0,
          1,
          this.margin,
          '',
        ],
      ),
    )) as [string, string, number];
    const [kind, epoch, offset] = reply;
    if (kind === 'conflict') {
      throw new AppError(
        'conflict',
        `History of ${channel} is at ${epoch}:${offset}, not before ${given?.epoch}:${given?.offset}`,
      );
    }
    if (kind !== 'ok') throw new AppError('internal', `Unexpected append reply ${kind}`);
    return { epoch, offset };
  }

  async read(channel: string, opts: { since?: Position; limit: number }): Promise<HistoryRead> {
    const keys = roomKeys(this.prefix, channel);
    const since = opts.since;
    const reply = (await guarded(() =>
      READ.run(
        this.clients.command,
        [keys.meta, keys.stream],
        [
          this.runtime.now(),
          this.runtime.id(),
          since?.epoch ?? '',
          since?.offset ?? 0,
          Math.max(0, opts.limit),
          this.defaults.ttlMs,
          this.defaults.maxSize,
          this.margin,
        ],
      ),
    )) as [string, number, number, ...string[]];
    const [epoch, offset, ok] = reply;
    const top = { epoch, offset };
    if (ok !== 1) return { recoverable: false, top };
    const first = (since?.offset ?? 0) + 1;
    const messages = reply
      .slice(3)
      .map((json, i) =>
        withPos(JSON.parse(json as string) as Omit<ChatMessage, 'pos'>, { epoch, offset: first + i }),
      );
    return { recoverable: true, messages, top };
  }

  async top(channel: string): Promise<Position> {
    return (await this.read(channel, { limit: 0 })).top;
  }

  async seed(channel: string, epoch: string, messages: ChatMessage[], lastOffset: number): Promise<void> {
    // Only a consecutive run ending at lastOffset is history; anything else cannot serve a resume.
    const run: ChatMessage[] = [];
    let expect = lastOffset;
    for (let i = messages.length - 1; i >= 0 && expect > 0; i--) {
      const m = messages[i]!;
      if (m.pos.epoch !== epoch || m.pos.offset !== expect) break;
      run.push(m);
      expect--;
    }
    run.reverse();
    const entries = run.flatMap(({ pos, ...body }) => [pos.offset, body.ts, JSON.stringify(body)]);
    const keys = roomKeys(this.prefix, channel);
    const reply = (await guarded(() =>
      SEED.run(
        this.clients.command,
        [keys.meta, keys.stream],
        [
          this.runtime.now(),
          epoch,
          lastOffset,
          this.defaults.ttlMs,
          this.defaults.maxSize,
          this.margin,
          ...entries,
        ],
      ),
    )) as [string, string, number];
    if (reply[0] === 'busy') {
      throw new AppError(
        'conflict',
        `${channel} has messages waiting for the archive; it cannot be re-seeded`,
      );
    }
  }

  /** The connection is the caller's (createRedisClients): closing the store releases nothing. */
  async close(): Promise<void> {}
}
