/**
 * RealtimeClient: one chat session over a series of connections (see link.ts). It keeps rooms
 * joined across reconnects, resuming each from its last position; delivers each message once and
 * in order; repairs gaps by joining again; and resends unacknowledged sends under the same client
 * id until acknowledged, so a reconnect neither loses nor doubles a message. The work is shared out:
 * joins.ts (join/leave requests, re-joins), send-window.ts (sends), dispatch.ts (server frames).
 */
import { FandomLimits, type AuthedFrame, type Position } from '@lightstick/protocol';
import type { WebSocketCtor } from './connection.ts';
import { dispatchFrame, type Session } from './dispatch.ts';
import { Emitter } from './emitter.ts';
import { ClientErrorCode, RealtimeError } from './errors.ts';
import { Joins } from './joins.ts';
import { Link, type ConnectionState } from './link.ts';
import { Outbox, type SendResult } from './outbox.ts';
import type { Emit, JoinResult, RealtimeEvents, RealtimeOptions } from './realtime-types.ts';
import { RoomStreams } from './rooms.ts';
import { SendWindow } from './send-window.ts';

export type { ConnectionState, JoinResult, RealtimeEvents, RealtimeOptions } from './realtime-types.ts';

export class RealtimeClient extends Emitter<RealtimeEvents> {
  private readonly link: Link;
  private readonly rooms = new RoomStreams();
  private readonly outbox = new Outbox();
  private readonly joins: Joins;
  private readonly sends: SendWindow;
  private readonly session: Session;
  private current: ConnectionState = 'closed';
  private me: AuthedFrame['user'] | undefined;

  constructor(opts: RealtimeOptions) {
    super();
    const ctor = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!ctor) throw new TypeError('No WebSocket: pass options.WebSocket (in Node: the ws package).');
    const newCid = opts.newCid ?? (() => crypto.randomUUID());
    const linkOpts = { ...opts, WebSocket: ctor, now: opts.now ?? Date.now };
    this.link = new Link(linkOpts, {
      state: (s) => this.setState(s),
      authed: (user, exp, first) => this.onAuthed(user, exp, first),
      authSent: () => this.onAuthSent(),
      frame: (f) => dispatchFrame(this.session, f),
      badFrame: (raw) =>
        this.emit('error', { error: new RealtimeError('bad_frame', `Unreadable: ${raw}`), fatal: false }),
      down: () => this.onDown(),
      fatal: (error) => this.onFatal(error),
    });
    const emit: Emit = (event, payload) => this.emit(event, payload);
    const { link, rooms, outbox } = this;
    this.joins = new Joins(link, rooms);
    this.sends = new SendWindow({
      link,
      rooms,
      outbox,
      newCid,
      emit,
      rejoin: (room) => this.joins.send(room),
    });
    this.session = { rooms, outbox, joins: this.joins, sends: this.sends, emit };
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The gateway URL of the current (or next) connection attempt. */
  get url(): string {
    return this.link.url;
  }

  /** The authenticated user, once the first `authed` arrived. */
  get user(): AuthedFrame['user'] | undefined {
    return this.me;
  }

  /** Last position held for a room. */
  position(room: string): Position | undefined {
    return this.rooms.get(room)?.pos;
  }

  /** Sends not yet acknowledged. */
  get pendingSends(): number {
    return this.outbox.size;
  }

  /** Starts connecting (no-op when already running). */
  connect(): void {
    this.link.start();
  }

  /** Stops for good: closes the socket and rejects what is pending with `client_closed`. */
  close(): void {
    if (!this.link.running) return;
    this.link.stop();
    this.onFatal(new RealtimeError(ClientErrorCode.Closed, 'Client closed'), false);
  }

  /**
   * Joins a room (now, or as soon as connected) and keeps it joined across reconnects.
   * `since` resumes from a position the app already holds (e.g. the newest archived message).
   * A join refused with `rate_limited` is written again once the server's `retryAfterMs` has passed.
   */
  join(room: string, opts: { since?: Position } = {}): Promise<JoinResult> {
    if (!this.link.running) return Promise.reject(new RealtimeError(ClientErrorCode.Closed, 'Client closed'));
    const existing = this.rooms.get(room);
    if (existing?.active && !existing.joining && existing.pos) {
      return Promise.resolve({ pos: existing.pos, reload: false });
    }
    const joined = this.joins.wait(room);
    if (!existing) {
      this.rooms.add(room, opts.since);
      this.joins.send(room);
    }
    return joined;
  }

  /** Leaves a room; its unacknowledged sends are rejected with `not_joined`. */
  async leave(room: string): Promise<void> {
    if (!this.rooms.get(room)) return;
    this.rooms.remove(room);
    this.joins.stopRejoin(room);
    const err = new RealtimeError('not_joined', 'Left the room', { room });
    this.joins.settle(room, err);
    this.outbox.rejectWhere((p) => p.room === room, err);
    const left = this.joins.sendLeave(room);
    if (left) await left;
  }

  /**
   * Sends a chat message; resolves with the server's ack. Survives reconnects (resent under the
   * same `cid`, never doubled) and rate limits (resent after `retryAfterMs`).
   */
  send(room: string, text: string, opts: { replyTo?: string } = {}): Promise<SendResult> {
    return this.sends.submit(room, text, opts.replyTo);
  }

  /**
   * Heart taps in a joined room (batch them: one call per few hundred ms with the taps since the last). Not
   * queued: taps while disconnected or before the room is joined are dropped (they are a live reaction). The
   * room's totals arrive in `stats` events. Returns whether the taps were written.
   */
  heart(room: string, count: number): boolean {
    const s = this.rooms.get(room);
    if (!s?.active || s.joining) return false;
    const n = Math.max(1, Math.min(FandomLimits.heartsPerOp, Math.floor(count)));
    return this.link.send({ op: 'heart', room, count: n });
  }

  // ---- link events ----
  private setState(state: ConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', state);
  }

  /** The connection's `auth` is written: every room is joined (resumed) right behind it (link.ts). */
  private onAuthSent(): void {
    for (const s of this.rooms.all()) this.joins.send(s.room);
  }

  private onAuthed(user: AuthedFrame['user'], exp: number, first: boolean): void {
    this.me = user;
    this.emit('authed', { user, exp, first });
    if (!first) return;
    // Rooms already joining went behind the `auth`; any other (none, unless a write failed) goes now.
    for (const s of this.rooms.all()) if (!s.joining) this.joins.send(s.room);
    this.sends.flush();
  }

  /** Nothing in flight on the dropped connection will be answered; rooms and sends go again. */
  private onDown(): void {
    this.joins.onDown();
    this.rooms.deactivateAll();
    this.outbox.resetInFlight();
    // Every room is joined again once authenticated; a pending re-join would only double that.
    this.joins.pauseRejoins();
  }

  private onFatal(error: RealtimeError, report = true): void {
    this.onDown();
    this.sends.stop();
    this.joins.stopAll(error);
    this.outbox.rejectWhere(() => true, error);
    if (report) this.emit('error', { error, fatal: true });
  }
}
