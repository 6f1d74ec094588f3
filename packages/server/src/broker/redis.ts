/**
 * Broker over Redis pub/sub (sharded pub/sub, SSUBSCRIBE/SPUBLISH, on a Redis Cluster). Publications use the
 * shared command connection; each broker owns one subscriber connection. A room channel is `<prefix>{r:<room>}:ch`
 * with the payload `<epoch>:<offset>:<message JSON without pos>` (the stream append script publishes the same
 * bytes); control messages are JSON on `<prefix>control`, filtered by target node on receipt.
 *
 * The broker keeps the set of wanted channels itself. After a reconnect it subscribes that set again and only
 * then reports ready; a publication for a channel no longer wanted (an unsubscribe lost in an outage) is dropped.
 */
import { AppError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Broker, BrokerHandlers, ControlMessage, Publication } from './broker.ts';
import {
  guarded,
  toUnavailable,
  whenReady,
  type RedisClients,
  type RedisConnection,
} from './redis-clients.ts';
import { controlChannel, decodeMessage, encodeMessage, roomKeys, roomOf } from './redis-keys.ts';

export interface RedisBrokerOptions {
  /** This node's id, the target of one-node control messages. */
  nodeId: string;
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
}

export class RedisBroker implements Broker {
  readonly nodeId: string;
  private readonly prefix: string;
  private readonly control_: string;
  private readonly wanted = new Set<string>();
  private readonly inflight = new Map<string, Promise<void>>();
  private handlers: BrokerHandlers | undefined;
  private sub: RedisConnection | undefined;
  private subReady = false;
  private resubscribing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly clients: RedisClients,
    private readonly opts: RedisBrokerOptions,
  ) {
    this.nodeId = opts.nodeId;
    this.prefix = opts.prefix ?? clients.prefix;
    this.control_ = controlChannel(this.prefix);
  }

  /** Connects the subscriber; a Redis that is down now makes the broker not ready, it does not fail start. */
  async start(handlers: BrokerHandlers): Promise<void> {
    this.assertOpen();
    this.handlers = handlers;
    if (this.sub !== undefined) return;
    const sub = this.clients.subscriber();
    this.sub = sub;
    const onMessage = (channel: string, payload: string) => this.receive(channel, payload);
    sub.on(this.clients.cluster ? 'smessage' : 'message', onMessage);
    sub.on('ready', () => void this.resubscribe());
    for (const ev of ['close', 'end', 'reconnecting']) sub.on(ev, () => (this.subReady = false));
    await whenReady(sub, this.opts.connectTimeoutMs ?? 2000).catch(() => {});
    await this.resubscribing;
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
      const done = this.redisSubscribe(added.map((c) => this.channelOf(c))).then(
        () => {},
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
    if (removed.length === 0 || this.sub === undefined || !this.subReady) return;
    // A failure here is harmless: deliveries are filtered by `wanted`, and a reconnect subscribes only `wanted`.
    await this.redisUnsubscribe(removed.map((c) => this.channelOf(c))).catch(() => {});
  }

  async publish(channel: string, pub: Publication): Promise<void> {
    this.assertOpen();
    const payload = encodeMessage(pub.message);
    await guarded(() => this.send(this.channelOf(channel), payload));
  }

  async control(msg: ControlMessage): Promise<void> {
    this.assertOpen();
    await guarded(() => this.send(this.control_, JSON.stringify(msg)));
  }

  ready(): boolean {
    return !this.closed && this.subReady && this.clients.ready();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subReady = false;
    this.wanted.clear();
    const sub = this.sub;
    this.sub = undefined;
    if (sub !== undefined) await sub.quit().catch(() => sub.disconnect());
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
    this.resubscribing = this.doResubscribe();
    return this.resubscribing;
  }

  private async doResubscribe(): Promise<void> {
    if (this.closed || this.sub === undefined) return;
    this.subReady = false;
    const channels = [this.control_, ...[...this.wanted].map((c) => this.channelOf(c))];
    try {
      await this.redisSubscribe(channels);
      if (!this.closed) this.subReady = true;
    } catch (err) {
      // The next 'ready' tries again. A failure on a connection that stays up (a timed-out SUBSCRIBE) would
      // never see one: drop the connection so it reconnects (with backoff) and tries again.
      this.opts.logger?.warn({ err }, 'broker re-subscription failed; reconnecting');
      if (!this.closed && this.sub?.status === 'ready') this.sub.disconnect(true);
    }
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
      const message = decodeMessage(payload);
      if (message === undefined) throw new Error(`Undecodable publication on ${room}`);
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
