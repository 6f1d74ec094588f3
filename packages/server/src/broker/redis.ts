/**
 * Broker over Redis: the room streams are each room's history, pub/sub (sharded pub/sub, SSUBSCRIBE/SPUBLISH,
 * on a Redis Cluster) crosses nodes. `publish` is ONE script call (history/redis-scripts.ts SEND): dedup, rate
 * limit, backlog bound, append, trim and publish, atomically in the room's slot. `history` is one script call
 * (READ). A room channel is `<prefix>{r:<room>}:ch` with the payload `<epoch>:<offset>:<message JSON without
 * pos>` or, for an ephemeral frame, `!<0|1><frame JSON>`; control messages are JSON on `<prefix>control`,
 * filtered by target node on receipt. docs/redis.md describes the keys.
 *
 * A room that just got unarchived entries is added to the archiver's pending set (another slot) in batches,
 * once per `pendingFlushMs` for all such rooms of this node, never on the send path; a mark lost in a crash is
 * found again by the archiver's periodic repair scan.
 *
 * The broker keeps the set of wanted channels itself. After a reconnect it subscribes that set again and only
 * then reports ready; a publication for a channel no longer wanted (an unsubscribe lost in an outage) is dropped.
 */
import { AppError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Position } from '@lightstick/protocol';
import type { Runtime } from '../runtime.ts';
import type { MessageDraft } from '../storage/repositories.ts';
import { READ, SEND } from '../history/redis-scripts.ts';
import { RoomTops } from './room-tops.ts';
import type {
  Broker,
  BrokerHandlers,
  ControlMessage,
  HistoryOptions,
  HistoryRead,
  PublishOptions,
  Published,
} from './broker.ts';
import {
  guarded,
  toUnavailable,
  whenReady,
  type RedisClients,
  type RedisConnection,
} from './redis-clients.ts';
import {
  clientIdKey,
  controlChannel,
  decodeEvent,
  decodeMessage,
  encodeEvent,
  EVENT_MARK,
  pendingKey,
  roomKeys,
  roomOf,
  userBucketKey,
  withPos,
} from './redis-keys.ts';

export interface RedisBrokerOptions {
  /** This node's id, the target of one-node control messages. */
  nodeId: string;
  /** Clock (passed to the scripts) and fresh epochs. */
  runtime: Runtime;
  /** History options of rooms first touched by a read (default 1000 entries, 24 h). */
  historyDefaults?: HistoryOptions;
  /** Real-time margin after a fully archived room's ttl before Redis drops its keys (default 1 h). */
  expiryMarginMs?: number;
  /** Pending-set marks are written at most this often (default 100 ms). */
  pendingFlushMs?: number;
  /** Key prefix (default: the clients' prefix). */
  prefix?: string;
  /** Called for every message received from Redis, before filtering: the room, or `control`. For metrics. */
  onReceived?: (channel: string) => void;
  /** A throwing handler or an undecodable payload; delivery goes on. Default: logged to `logger`. */
  onHandlerError?: (err: unknown) => void;
  /** Logs handler errors and failed re-subscriptions. */
  logger?: Logger;
  /** How long start() waits for the first connection before returning not ready (default 2000 ms). */
  connectTimeoutMs?: number;
  /** How long a room's top read on its subscription answers joins without a read (room-tops.ts; 5000). */
  topFreshMs?: number;
  /** Messages heard kept per subscribed room and in all, to answer resumes without a read (1000, 10 000). */
  tailPerRoom?: number;
  tailTotal?: number;
}

/** A bucket that never refills is kept at most this long; buckets expire a margin after they are full again. */
const BUCKET_LONGEST_MS = 24 * 60 * 60 * 1000;
const BUCKET_MARGIN_MS = 60_000;
/** Pending marks kept across failed writes at most (the repair scan covers the rest). */
const MAX_PENDING_MARKS = 100_000;

/** How often a connected subscriber that is not subscribed tries again. */
const WATCHDOG_MS = 1000;
/** How long (re)subscribing may take before the subscriber connection is dropped and tried again. */
const SUBSCRIBE_TIMEOUT_MS = 10_000;

export class RedisBroker implements Broker {
  readonly nodeId: string;
  private readonly prefix: string;
  private readonly control_: string;
  private readonly wanted = new Set<string>();
  private readonly inflight = new Map<string, Promise<void>>();
  private handlers: BrokerHandlers | undefined;
  private sub: RedisConnection | undefined;
  private subReady = false;
  /** Bumped whenever the subscriber may have missed publications (room-tops.ts). */
  private subGen = 0;
  private readonly tops: RoomTops;
  private resubscribing: Promise<void> | undefined;
  private resubscribeInFlight = false;
  private watchdog: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly runtime: Runtime;
  private readonly defaults: HistoryOptions;
  private readonly margin: number;
  private readonly pendingMarks = new Set<string>();
  private pendingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly clients: RedisClients,
    private readonly opts: RedisBrokerOptions,
  ) {
    this.nodeId = opts.nodeId;
    this.prefix = opts.prefix ?? clients.prefix;
    this.control_ = controlChannel(this.prefix);
    this.runtime = opts.runtime;
    this.defaults = opts.historyDefaults ?? { maxSize: 1000, ttlMs: 24 * 60 * 60 * 1000 };
    this.margin = opts.expiryMarginMs ?? 60 * 60 * 1000;
    this.tops = new RoomTops({
      freshMs: opts.topFreshMs ?? 5000,
      tailPerRoom: opts.tailPerRoom,
      tailTotal: opts.tailTotal,
    });
  }

  /** Connects the subscriber; a Redis that is down now makes the broker not ready, it does not fail start. */
  async start(handlers: BrokerHandlers): Promise<void> {
    this.assertOpen();
    this.handlers = handlers;
    if (this.sub !== undefined) return;
    const sub = this.connectSubscriber();
    // A connection that is up but whose subscriptions failed without a new 'ready' to retry on (a Cluster's
    // shard subscriber timing out under load was seen to stay so for good) would leave the node not ready
    // forever: check once a second and subscribe again.
    this.watchdog = setInterval(() => {
      if (!this.closed && !this.subReady && !this.resubscribeInFlight && this.sub?.status === 'ready')
        void this.resubscribe();
    }, WATCHDOG_MS);
    this.watchdog.unref();
    await whenReady(sub, this.opts.connectTimeoutMs ?? 2000).catch(() => {});
    await this.resubscribing;
  }

  /** A new subscriber connection with this broker's listeners; the broker's `sub` from now on. */
  private connectSubscriber(): RedisConnection {
    const sub = this.clients.subscriber();
    this.sub = sub;
    const onMessage = (channel: string, payload: string) => {
      if (this.sub === sub) this.receive(channel, payload);
    };
    sub.on(this.clients.cluster ? 'smessage' : 'message', onMessage);
    sub.on('ready', () => {
      if (this.sub === sub) void this.resubscribe();
    });
    for (const ev of ['close', 'end', 'reconnecting']) {
      sub.on(ev, () => {
        if (this.sub === sub) this.notSubscribed();
      });
    }
    return sub;
  }

  /**
   * After a failed (re)subscription on a connection that is up. A single Redis: drop the connection, it
   * reconnects with backoff and subscribes on 'ready'. A Cluster: a new connection, a second later. ioredis
   * (5.11) keeps a disconnected Cluster's slot map but drops its shard subscribers, and on reconnect sees no
   * topology change, so it never makes them again: every SSUBSCRIBE then fails with "No sharded subscriber for
   * slot" for good. Seen when a first SSUBSCRIBE raced the shard connections on a busy machine.
   */
  private recoverSubscriber(): void {
    const sub = this.sub;
    if (this.closed || sub === undefined || sub.status !== 'ready') return;
    if (!this.clients.cluster) {
      sub.disconnect(true);
      return;
    }
    this.sub = undefined;
    sub.disconnect();
    const timer = setTimeout(() => {
      if (!this.closed && this.sub === undefined) this.connectSubscriber();
    }, WATCHDOG_MS);
    timer.unref();
  }

  async subscribe(channels: string[]): Promise<void> {
    this.assertOpen();
    // Channels another call is subscribing right now resolve with that call.
    const waiting = channels.flatMap((c) => this.inflight.get(c) ?? []);
    const added = channels.filter((c) => !this.wanted.has(c));
    if (added.length > 0) {
      if (this.sub === undefined || !this.subReady) {
        throw new AppError('unavailable', 'The broker is not connected right now');
      }
      for (const c of added) this.wanted.add(c);
      const gen = this.subGen;
      const done = this.redisSubscribe(added.map((c) => this.channelOf(c))).then(
        () => {
          // Confirmed on the connection that is still up: reads from now on can give these rooms a top.
          if (gen === this.subGen) for (const c of added) if (this.wanted.has(c)) this.tops.subscribed(c);
        },
        (err: unknown) => {
          for (const c of added) this.wanted.delete(c);
          throw toUnavailable(err);
        },
      );
      for (const c of added) this.inflight.set(c, done);
      void done
        .finally(() => {
          for (const c of added) if (this.inflight.get(c) === done) this.inflight.delete(c);
        })
        .catch(() => {});
      waiting.push(done);
    }
    await Promise.all(waiting);
  }

  async unsubscribe(channels: string[]): Promise<void> {
    const removed = channels.filter((c) => this.wanted.delete(c));
    for (const c of removed) this.tops.unsubscribed(c);
    if (removed.length === 0 || this.sub === undefined || !this.subReady) return;
    // A failure here is harmless: deliveries are filtered by `wanted`, and a reconnect subscribes only `wanted`.
    await this.redisUnsubscribe(removed.map((c) => this.channelOf(c))).catch(() => {});
  }

  async publish(draft: MessageDraft, opts: PublishOptions): Promise<Published> {
    this.assertOpen();
    const { room } = draft;
    const keys = roomKeys(this.prefix, room);
    const user = opts.rate?.user;
    const ceiling = opts.rate?.room;
    // A send whose reply is lost (a timeout while Redis is paused, a dropped connection) may still have been
    // appended: its "newly pending" mark is lost with the reply, and a resend answers 'dup' without it. Both
    // mark the room again (batched; a caught-up room costs the archiver one empty read).
    const reply = (await guarded(() =>
      SEND.run(
        this.clients.command,
        [
          keys.meta,
          keys.stream,
          keys.channel,
          clientIdKey(this.prefix, room, draft.user.id, draft.cid),
          userBucketKey(this.prefix, room, draft.user.id),
          keys.roomBucket,
        ],
        [
          this.runtime.now(),
          this.runtime.id(),
          JSON.stringify(draft),
          Math.max(1, opts.history.ttlMs),
          Math.max(1, opts.history.maxSize),
          Math.max(0, opts.maxBacklog),
          Math.max(1, opts.dedupTtlMs),
          draft.id,
          this.margin,
          this.clients.cluster ? 's' : 'p',
          user?.ratePerSecond ?? 0,
          user?.burst ?? 0,
          ceiling?.ratePerSecond ?? 0,
          ceiling?.burst ?? 0,
          BUCKET_LONGEST_MS,
          BUCKET_MARGIN_MS,
        ],
      ),
    ).catch((err: unknown) => {
      this.markPending(room);
      throw err;
    })) as [string, ...unknown[]];
    switch (reply[0]) {
      case 'ok': {
        const [, epoch, offset, newlyPending] = reply as [string, string, number, number];
        if (newlyPending === 1) this.markPending(room);
        return { message: withPos(draft, { epoch, offset }), duplicate: false };
      }
      case 'dup': {
        this.markPending(room);
        const [, epoch, offset, mid, stored] = reply as [string, string, number, string, string | null];
        const original = stored === null ? { ...draft, id: mid } : (JSON.parse(stored) as MessageDraft);
        return { message: withPos(original, { epoch, offset }), duplicate: true };
      }
      case 'rate':
        throw new AppError('rate_limited', 'Sending too fast', { retryAfterMs: reply[1] as number });
      case 'full':
        throw new AppError(
          'unavailable',
          'The room has too many messages waiting for the archive; try again',
        );
      default:
        throw new AppError('internal', `Unexpected send reply ${String(reply[0])}`);
    }
  }

  async publishEvent(room: string, event: { json: string; priority: boolean }): Promise<void> {
    this.assertOpen();
    await guarded(() => this.send(this.channelOf(room), encodeEvent(event)));
  }

  async history(room: string, opts: { since?: Position; limit: number }): Promise<HistoryRead> {
    this.assertOpen();
    const since = opts.since;
    // A room this node follows: the top it has read and heard since, and the tail it heard (room-tops.ts).
    const now = this.runtime.now();
    if (since === undefined) {
      const known = this.tops.known(room, now);
      if (known !== undefined) return { recoverable: true, messages: [], top: { ...known } };
    } else {
      const missed = this.tops.missed(room, since, Math.max(0, opts.limit), now);
      if (missed !== undefined) return missed;
    }
    const slot = this.tops.slot(room);
    const keys = roomKeys(this.prefix, room);
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
    )) as [string, number, number, ...(string | number)[]];
    const [epoch, offset, ok] = reply;
    const top = { epoch, offset };
    if (ok !== 1) return { recoverable: false, top };
    const first = (since?.offset ?? offset) + 1;
    const messages = reply
      .slice(6)
      .map((json, i) => withPos(JSON.parse(json as string) as MessageDraft, { epoch, offset: first + i }));
    if (slot !== undefined) {
      // When the room would start over if nothing is sent, its size and ttl: how long this answers (READ).
      const window = { liveUntil: Number(reply[3]), size: Number(reply[4]), ttlMs: Number(reply[5]) };
      this.tops.read(room, slot, top, window, now, messages);
    }
    return { recoverable: true, messages, top: { ...top } };
  }

  async control(msg: ControlMessage): Promise<void> {
    this.assertOpen();
    await guarded(() => this.send(this.control_, JSON.stringify(msg)));
  }

  ready(): boolean {
    return !this.closed && this.subReady && this.clients.ready();
  }

  continuity(): number {
    return this.subReady ? this.subGen : -1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushPendingMarks();
    this.closed = true;
    clearInterval(this.watchdog);
    this.notSubscribed();
    this.wanted.clear();
    const sub = this.sub;
    this.sub = undefined;
    if (sub !== undefined) await sub.quit().catch(() => sub.disconnect());
  }

  /** Remembers a room for the archiver's pending set; written in one SADD for all such rooms (flushPending). */
  private markPending(room: string): void {
    this.pendingMarks.add(room);
    if (this.pendingTimer !== undefined) return;
    this.pendingTimer = setTimeout(() => void this.flushPendingMarks(), this.opts.pendingFlushMs ?? 100);
    this.pendingTimer.unref();
  }

  /** Writes the pending marks gathered so far now (closing, tests). */
  async flushPendingMarks(): Promise<void> {
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    if (this.pendingMarks.size === 0) return;
    const rooms = [...this.pendingMarks];
    this.pendingMarks.clear();
    try {
      await this.clients.command.sadd(pendingKey(this.prefix), ...rooms);
    } catch (err) {
      // Kept for the next try; the archiver's repair scan finds them anyway.
      if (this.pendingMarks.size < MAX_PENDING_MARKS) for (const r of rooms) this.pendingMarks.add(r);
      this.opts.logger?.warn({ err, rooms: rooms.length }, 'archive pending marks not written; retrying');
      if (!this.closed) this.markPending(rooms[0]!);
    }
  }

  private channelOf(room: string): string {
    return roomKeys(this.prefix, room).channel;
  }

  private send(channel: string, payload: string): Promise<unknown> {
    const cmd = this.clients.command;
    return this.clients.cluster ? cmd.spublish(channel, payload) : cmd.publish(channel, payload);
  }

  private redisSubscribe(channels: string[]): Promise<unknown> {
    const sub = this.sub!;
    if (!this.clients.cluster) return sub.subscribe(...channels);
    // Sharded subscriptions go one channel per command: channels of different slots live on different shards.
    return Promise.all(channels.map((c) => sub.ssubscribe(c)));
  }

  private redisUnsubscribe(channels: string[]): Promise<unknown> {
    const sub = this.sub!;
    if (!this.clients.cluster) return sub.unsubscribe(...channels);
    return Promise.all(channels.map((c) => sub.sunsubscribe(c)));
  }

  /** (Re)subscribes the control channel and every wanted channel; ready once Redis confirmed them. */
  private resubscribe(): Promise<void> {
    this.resubscribeInFlight = true;
    this.resubscribing = this.doResubscribe().finally(() => (this.resubscribeInFlight = false));
    return this.resubscribing;
  }

  private async doResubscribe(): Promise<void> {
    const sub = this.sub;
    if (this.closed || sub === undefined) return;
    this.notSubscribed();
    const gen = this.subGen;
    const rooms = [...this.wanted];
    const channels = [this.control_, ...rooms.map((c) => this.channelOf(c))];
    try {
      // Bounded: a Cluster's shard subscriber was seen to leave SSUBSCRIBE unanswered for good under load,
      // which would hold the node not ready with no error to retry on.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('broker subscription unanswered')), SUBSCRIBE_TIMEOUT_MS);
      });
      await Promise.race([this.redisSubscribe(channels), late]).finally(() => clearTimeout(timer));
      if (!this.closed && this.sub === sub && gen === this.subGen) {
        this.subReady = true;
        for (const c of rooms) if (this.wanted.has(c)) this.tops.subscribed(c);
      }
    } catch (err) {
      if (this.sub !== sub) return; // a replaced connection's late failure
      // The next 'ready' tries again. A failure on a connection that stays up (a timed-out SUBSCRIBE) would
      // never see one: reconnect so it tries again.
      this.opts.logger?.warn({ err }, 'broker re-subscription failed; reconnecting');
      this.recoverSubscriber();
    }
  }

  /** The subscriber is down or being (re)subscribed: publications may be missed from now on. */
  private notSubscribed(): void {
    this.subReady = false;
    this.subGen++;
    this.tops.lost();
  }

  private receive(channel: string, payload: string): void {
    const h = this.handlers;
    if (h === undefined || this.closed) return;
    try {
      if (channel === this.control_) {
        this.opts.onReceived?.('control');
        const msg = JSON.parse(payload) as ControlMessage;
        if (msg.node === undefined || msg.node === this.nodeId) h.onControl(msg);
        return;
      }
      const room = roomOf(this.prefix, channel, ':ch');
      if (room === undefined) return;
      this.opts.onReceived?.(room);
      if (!this.wanted.has(room)) return;
      if (payload.startsWith(EVENT_MARK)) return h.onPublication(room, decodeEvent(payload));
      const message = decodeMessage(payload);
      if (message === undefined) throw new Error(`Undecodable publication on ${room}`);
      this.tops.heard(room, message, this.runtime.now());
      h.onPublication(room, { kind: 'message', message });
    } catch (err) {
      if (this.opts.onHandlerError) this.opts.onHandlerError(err);
      else this.opts.logger?.error({ err, channel }, 'broker delivery failed');
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('unavailable', 'The broker is closed');
  }
}
