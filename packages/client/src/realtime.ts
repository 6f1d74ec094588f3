/**
 * RealtimeClient: one chat session over a series of connections (see link.ts). It keeps rooms
 * joined across reconnects, resuming each from its last position; delivers each message once and
 * in order; repairs gaps by joining again; and resends unacknowledged sends under the same client
 * id until acknowledged, so a reconnect neither loses nor doubles a message.
 */
import {
  graphemeLength,
  Limits,
  type AuthedFrame,
  type ChatMessage,
  type ErrorFrame,
  type JoinedFrame,
  type Position,
  type ServerFrame,
} from '@lightstick/protocol';
import { Backoff, type BackoffOptions } from './backoff.ts';
import type { WebSocketCtor } from './connection.ts';
import { Emitter } from './emitter.ts';
import { ClientErrorCode, RealtimeError } from './errors.ts';
import { Link, type ConnectionState } from './link.ts';
import { Outbox, type PendingSend, type SendResult } from './outbox.ts';
import { RoomStreams } from './rooms.ts';

export type { ConnectionState };

export interface RealtimeEvents {
  state: ConnectionState;
  /** Every `authed`: `first` once per connection, false after a re-auth on the same socket. */
  authed: { user: AuthedFrame['user']; exp: number; first: boolean };
  joined: { room: string; pos: Position; reload: boolean };
  /** New messages of a room, in order, each once. `replay` when they came from a resume. */
  messages: { room: string; messages: ChatMessage[]; skipped: number; replay: boolean };
  /** The held position could not be resumed: reload the archive; live messages continue after `pos`. */
  reload: { room: string; pos: Position };
  /** A send was rate limited; the client resends it by itself after `retryAfterMs`. */
  throttled: { room: string; cid: string; retryAfterMs: number };
  /**
   * The server could not store a send now (`unavailable`: e.g. its Redis is down); the client resends it
   * under the same `cid` after `retryAfterMs` (backoff), so it is stored once whether or not it went through.
   */
  retrying: { room: string; cid: string; code: string; attempt: number; retryAfterMs: number };
  /** `fatal`: the client stopped (auth failed, session ended) and will not reconnect by itself. */
  error: { error: RealtimeError; fatal: boolean };
}

export interface RealtimeOptions {
  /**
   * WebSocket URL, e.g. 'ws://127.0.0.1:8080/ws', or the URLs of several gateways: the client starts on
   * the first and moves to the next on each reconnect (shuffle the list to spread clients).
   */
  url: string | readonly string[];
  /** A valid access token; `forceRefresh` when the current one expired or a re-auth is due. */
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  /** Default `globalThis.WebSocket`; in Node 20 pass `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketCtor;
  /** Reconnect delays (default base 500 ms, cap 15 s, full jitter). */
  backoff?: BackoffOptions;
  /** Silence longer than this means the link is dead. Default: the server's `hello` value. */
  idleTimeoutMs?: number;
  now?: () => number;
  /** Client message ids; default `crypto.randomUUID`. */
  newCid?: () => string;
}

export interface JoinResult {
  pos: Position;
  reload: boolean;
}

/** `not_joined` answers tolerated per send before giving up, so a confused server cannot loop us. */
const MAX_NOT_JOINED = 5;
/** `unavailable` answers in a row per send before it is rejected (about a minute of backoff in all). */
const MAX_UNAVAILABLE = 12;
const UNAVAILABLE_BACKOFF = { baseMs: 250, capMs: 8000 };
/**
 * Sends written and not yet answered. The server closes with 4029 after ten rate-limited sends in a row, so
 * a burst must never be written all at once: with a small window and a pause after `rate_limited`, at most
 * this many refusals come back before the client stops writing, and the first send after the pause passes.
 */
const MAX_SENDS_IN_FLIGHT = 4;

export class RealtimeClient extends Emitter<RealtimeEvents> {
  private readonly link: Link;
  private readonly newCid: () => string;
  private readonly rooms = new RoomStreams();
  private readonly outbox = new Outbox();
  /** Join and leave requests in flight on the current connection. */
  private readonly requests = new Map<number, { kind: 'join' | 'leave'; room: string }>();
  private readonly joinWaiters = new Map<
    string,
    { resolve(r: JoinResult): void; reject(e: Error): void }[]
  >();
  private readonly leaveWaiters = new Map<number, () => void>();
  /** Re-joins refused with a passing error (`unavailable`), waiting out their backoff, by room. */
  private readonly rejoins = new Map<string, { timer?: ReturnType<typeof setTimeout>; backoff: Backoff }>();
  /** Set while waiting out a `rate_limited` answer: no send is written until it fires. */
  private throttle: ReturnType<typeof setTimeout> | undefined;
  private current: ConnectionState = 'closed';
  private me: AuthedFrame['user'] | undefined;

  constructor(opts: RealtimeOptions) {
    super();
    const ctor = opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!ctor) throw new TypeError('No WebSocket: pass options.WebSocket (in Node: the ws package).');
    this.newCid = opts.newCid ?? (() => crypto.randomUUID());
    const linkOpts = { ...opts, WebSocket: ctor, now: opts.now ?? Date.now };
    this.link = new Link(linkOpts, {
      state: (s) => this.setState(s),
      authed: (user, exp, first) => this.onAuthed(user, exp, first),
      frame: (f) => this.onFrame(f),
      badFrame: (raw) =>
        this.emit('error', { error: new RealtimeError('bad_frame', `Unreadable: ${raw}`), fatal: false }),
      down: () => this.onDown(),
      fatal: (error) => this.onFatal(error),
    });
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
   */
  join(room: string, opts: { since?: Position } = {}): Promise<JoinResult> {
    if (!this.link.running) return Promise.reject(new RealtimeError(ClientErrorCode.Closed, 'Client closed'));
    const existing = this.rooms.get(room);
    if (existing?.active && !existing.joining && existing.pos) {
      return Promise.resolve({ pos: existing.pos, reload: false });
    }
    const joined = new Promise<JoinResult>((resolve, reject) => {
      this.joinWaiters.set(room, [...(this.joinWaiters.get(room) ?? []), { resolve, reject }]);
    });
    if (!existing) {
      this.rooms.add(room, opts.since);
      this.sendJoin(room);
    }
    return joined;
  }

  /** Leaves a room; its unacknowledged sends are rejected with `not_joined`. */
  async leave(room: string): Promise<void> {
    if (!this.rooms.get(room)) return;
    this.rooms.remove(room);
    this.stopRejoin(room);
    const err = new RealtimeError('not_joined', 'Left the room', { room });
    this.settleJoin(room, err);
    this.outbox.rejectWhere((p) => p.room === room, err);
    const id = this.link.nextId();
    if (!this.link.send({ op: 'leave', id, room })) return;
    this.requests.set(id, { kind: 'leave', room });
    await new Promise<void>((resolve) => this.leaveWaiters.set(id, resolve));
  }

  /**
   * Sends a chat message; resolves with the server's ack. Survives reconnects (resent under the
   * same `cid`, never doubled) and rate limits (resent after `retryAfterMs`).
   */
  send(room: string, text: string): Promise<SendResult> {
    const fail = (code: string, msg: string) => Promise.reject(new RealtimeError(code, msg, { room }));
    if (!this.link.running) return fail(ClientErrorCode.Closed, 'Client closed');
    if (!this.rooms.get(room)) return fail('not_joined', 'Join the room first');
    if (text.trim() === '') return fail('validation_failed', 'Message is empty');
    if (
      graphemeLength(text) > Limits.maxMessageChars ||
      new TextEncoder().encode(text).length > Limits.maxMessageBytes
    ) {
      return fail('message_too_long', `Message is longer than ${Limits.maxMessageChars} characters`);
    }
    return new Promise<SendResult>((resolve, reject) => {
      const cid = this.newCid();
      this.outbox.add({
        cid,
        room,
        text,
        reqId: undefined,
        retryTimer: undefined,
        notJoined: 0,
        unavailable: 0,
        resolve,
        reject,
      });
      this.flushSends();
    });
  }

  // ---- link events ----
  private setState(state: ConnectionState): void {
    if (this.current === state) return;
    this.current = state;
    this.emit('state', state);
  }

  private onAuthed(user: AuthedFrame['user'], exp: number, first: boolean): void {
    this.me = user;
    this.emit('authed', { user, exp, first });
    if (!first) return;
    for (const s of this.rooms.all()) this.sendJoin(s.room);
    this.flushSends();
  }

  /** Nothing in flight on the dropped connection will be answered; rooms and sends go again. */
  private onDown(): void {
    this.requests.clear();
    for (const resolve of this.leaveWaiters.values()) resolve();
    this.leaveWaiters.clear();
    this.rooms.deactivateAll();
    this.outbox.resetInFlight();
    // Every room is joined again once authenticated; a pending re-join would only double that.
    for (const r of this.rejoins.values()) clearTimeout(r.timer);
  }

  private onFatal(error: RealtimeError, report = true): void {
    this.onDown();
    for (const room of [...this.rejoins.keys()]) this.stopRejoin(room);
    clearTimeout(this.throttle);
    this.throttle = undefined;
    for (const room of [...this.joinWaiters.keys()]) this.settleJoin(room, error);
    this.outbox.rejectWhere(() => true, error);
    if (report) this.emit('error', { error, fatal: true });
  }

  private onFrame(f: ServerFrame): void {
    if (f.t === 'joined') return this.onJoined(f);
    if (f.t === 'left') return this.finishLeave(f.id);
    if (f.t === 'error') return this.onError(f);
    if (f.t === 'ack') {
      const p = this.outbox.byRequest(f.id);
      if (p) this.outbox.resolve(p, { cid: f.cid, mid: f.mid, pos: f.pos, duplicate: f.duplicate });
      return this.flushSends(); // the window has room again
    }
    if (f.t !== 'msgs') return;
    const out = this.rooms.onMessages(f);
    if (out.kind === 'gap') this.sendJoin(f.room);
    else if (out.kind === 'deliver' && (out.messages.length > 0 || out.skipped > 0)) {
      this.emit('messages', { room: f.room, messages: out.messages, skipped: out.skipped, replay: false });
    }
  }

  private onJoined(f: JoinedFrame): void {
    this.requests.delete(f.id);
    this.stopRejoin(f.room);
    const out = this.rooms.onJoined(f);
    if (!out) return; // left while the join was in flight
    const pos = this.rooms.get(f.room)?.pos ?? f.pos;
    if (out.reload) this.emit('reload', { room: f.room, pos });
    if (out.missed.length > 0)
      this.emit('messages', { room: f.room, messages: out.missed, skipped: 0, replay: true });
    this.emit('joined', { room: f.room, pos, reload: out.reload });
    for (const w of this.joinWaiters.get(f.room) ?? []) w.resolve({ pos, reload: out.reload });
    this.joinWaiters.delete(f.room);
    this.flushSends();
  }

  private onError(f: ErrorFrame): void {
    const req = f.id === undefined ? undefined : this.requests.get(f.id);
    if (req?.kind === 'join') {
      this.requests.delete(f.id!);
      const err = new RealtimeError(f.code, f.message, { room: req.room });
      if (this.retryJoin(req.room, f.code)) return this.emit('error', { error: err, fatal: false });
      this.rooms.remove(req.room);
      this.settleJoin(req.room, err);
      this.outbox.rejectWhere((p) => p.room === req.room, err);
      return this.emit('error', { error: err, fatal: false });
    }
    if (req?.kind === 'leave') return this.finishLeave(f.id);
    const p = this.outbox.byRequest(f.id);
    const err = new RealtimeError(f.code, f.message, { retryAfterMs: f.retryAfterMs, room: p?.room });
    if (p) {
      this.onSendError(p, err);
      return this.flushSends(); // the window has room again (a no-op while throttled)
    }
    this.emit('error', { error: err, fatal: false });
  }

  private onSendError(p: PendingSend, err: RealtimeError): void {
    this.outbox.unsend(p);
    if (err.code === 'rate_limited') {
      // The limit is the user's, not this send's: every send waits (the refused one goes first after).
      const retryAfterMs = err.retryAfterMs ?? 1000;
      clearTimeout(this.throttle);
      this.throttle = setTimeout(() => {
        this.throttle = undefined;
        this.flushSends();
      }, retryAfterMs);
      return this.emit('throttled', { room: p.room, cid: p.cid, retryAfterMs });
    }
    if (err.code === 'unavailable' && ++p.unavailable <= MAX_UNAVAILABLE) {
      // The protocol's advice: retry with backoff under the same cid. A send refused after a timeout may
      // have been stored all the same; the same cid makes the resend an acknowledgement, not a copy.
      const backoff = new Backoff(UNAVAILABLE_BACKOFF);
      for (let i = 1; i < p.unavailable; i++) backoff.next();
      const retryAfterMs = Math.max(100, backoff.next());
      p.retryTimer = setTimeout(() => {
        p.retryTimer = undefined;
        this.flushSends();
      }, retryAfterMs);
      return this.emit('retrying', {
        room: p.room,
        cid: p.cid,
        code: err.code,
        attempt: p.unavailable,
        retryAfterMs,
      });
    }
    if (err.code === 'not_joined' && ++p.notJoined <= MAX_NOT_JOINED && this.rooms.get(p.room)) {
      return this.sendJoin(p.room); // the server lost our membership: join again, then resend
    }
    this.outbox.reject(p, err);
  }

  // ---- writes ----
  /** Joins (or joins again, to repair a gap) from the held position. */
  private sendJoin(room: string): void {
    const s = this.rooms.get(room);
    if (!s || !this.link.isAuthed) return;
    const id = this.link.nextId();
    if (!this.link.send(s.pos ? { op: 'join', id, room, since: s.pos } : { op: 'join', id, room })) return;
    s.joining = true;
    this.requests.set(id, { kind: 'join', room });
  }

  private flushSends(): void {
    if (!this.link.isAuthed || this.throttle !== undefined) return;
    for (const p of this.outbox.ready()) {
      if (this.outbox.inFlight >= MAX_SENDS_IN_FLIGHT) return;
      const s = this.rooms.get(p.room);
      if (!s?.active || s.joining) continue;
      const id = this.link.nextId();
      if (!this.link.send({ op: 'send', id, room: p.room, cid: p.cid, text: p.text })) return;
      this.outbox.markSent(p, id);
    }
  }

  private finishLeave(id: number | undefined): void {
    if (id === undefined) return;
    this.requests.delete(id);
    const resolve = this.leaveWaiters.get(id);
    this.leaveWaiters.delete(id);
    resolve?.();
  }

  /**
   * A join the app was already told about (a resume after reconnect, a gap repair) refused with a passing
   * error: the room is kept and joined again after a backoff, as the protocol advises for `unavailable`.
   * A first join (the app awaits it) is rejected instead, and final refusals (forbidden...) drop the room.
   */
  private retryJoin(room: string, code: string): boolean {
    const s = this.rooms.get(room);
    if (!s || this.joinWaiters.has(room) || (code !== 'unavailable' && code !== 'internal')) return false;
    let r = this.rejoins.get(room);
    if (!r) this.rejoins.set(room, (r = { backoff: new Backoff(UNAVAILABLE_BACKOFF) }));
    clearTimeout(r.timer);
    // Still `joining`: sends wait, and live frames that do not follow on are left to the coming replay.
    r.timer = setTimeout(
      () => {
        r.timer = undefined;
        this.sendJoin(room);
      },
      Math.max(100, r.backoff.next()),
    );
    return true;
  }

  private stopRejoin(room: string): void {
    clearTimeout(this.rejoins.get(room)?.timer);
    this.rejoins.delete(room);
  }

  private settleJoin(room: string, err: Error): void {
    for (const w of this.joinWaiters.get(room) ?? []) w.reject(err);
    this.joinWaiters.delete(room);
  }
}
