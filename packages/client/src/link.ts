/**
 * The link: keeps one authenticated WebSocket up. It opens a Connection, sends `auth` with a token
 * from `getToken` (joins may follow it at once: `mayFollowAuth`), re-authenticates on the same socket
 * shortly before `exp`, answers pings, and after a drop reconnects with exponential backoff and full
 * jitter (or after the server's advised `reconnect.afterMs`). It stops for good on 4003, on a refused
 * session, or on an unknown close code. Given several gateway URLs it tries the next one on each
 * reconnect, so a client of a dead or draining gateway lands on another and resumes there.
 */
import {
  Limits,
  RECONNECTABLE_CLOSE_CODES,
  type AuthedFrame,
  type ClientFrame,
  type ServerFrame,
} from '@lightstick/protocol';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { Connection, LOCAL_DEAD_CODE, type WebSocketCtor } from './connection.ts';
import { RealtimeError } from './errors.ts';
import { tokenLifetimeMs } from './token-lifetime.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LinkOptions {
  /** One gateway URL, or several: each reconnect moves on to the next one, round robin. */
  url: string | readonly string[];
  WebSocket: WebSocketCtor;
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  backoff?: BackoffOptions;
  idleTimeoutMs?: number;
  now: () => number;
}

export interface LinkHandlers {
  state(state: ConnectionState): void;
  /** Authenticated; `first` once per connection (join rooms, flush sends), false on a re-auth. */
  authed(user: AuthedFrame['user'], exp: number, first: boolean): void;
  /**
   * The connection's first `auth` is written: frames that need a signed-in connection (joins, leaves) may follow
   * it now, without waiting a round trip for `authed` (see `mayFollowAuth`).
   */
  authSent(): void;
  /** Every frame the link does not handle itself. */
  frame(frame: ServerFrame): void;
  badFrame(raw: string): void;
  /** The connection dropped: whatever was in flight on it will not be answered. */
  down(): void;
  /** Stopped for good (not after `stop()`). */
  fatal(error: RealtimeError): void;
}

const AUTH_FAILED = 4003;
const TOKEN_EXPIRED = 4004;
/** Also retried: no status (1005) and the auth deadline (4001, a slow token fetch). */
const ALSO_RECONNECTABLE = new Set([1005, 4001]);

export class Link {
  private conn: Connection | undefined;
  private authed = false;
  /** The connection whose first `auth` is written: the current one, or one already dropped. */
  private authWrittenOn: Connection | undefined;
  private stopped = true;
  private ids = 1;
  /** `auth` requests in flight: may an expired token be retried, and when and with what it went. */
  private readonly authIds = new Map<
    number,
    { retry: boolean; sentAt: number; lifetimeMs: number | undefined }
  >();
  private forceRefresh = false;
  /** When the server's `reconnect` frame said to come back (local clock). */
  private serverReconnectAt: number | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private reauthTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: Backoff;
  private readonly urls: readonly string[];
  private urlIndex = 0;

  constructor(
    private readonly opts: LinkOptions,
    private readonly on: LinkHandlers,
  ) {
    this.backoff = new Backoff(opts.backoff);
    this.urls = typeof opts.url === 'string' ? [opts.url] : [...opts.url];
    if (this.urls.length === 0) throw new TypeError('options.url: give at least one WebSocket URL');
  }

  /** The URL of the current (or next) connection attempt. */
  get url(): string {
    return this.urls[this.urlIndex] as string;
  }

  get isAuthed(): boolean {
    return this.authed && this.conn !== undefined;
  }

  /**
   * Authenticated, or the connection's first `auth` is written. The server handles a connection's frames one at
   * a time in the order sent (docs/protocol.md), so a join written behind the `auth` is handled once the
   * connection is signed in, and a (re)connect reaches its rooms in one round trip instead of two. An `auth` the
   * server refuses closes the connection (4003, 4004) before the frames behind it are handled; they are written
   * again on the next connection, as everything in flight on a dropped one is.
   */
  get mayFollowAuth(): boolean {
    // An authenticated connection had its `auth` written on it first, so this holds for it too.
    return this.conn !== undefined && this.authWrittenOn === this.conn;
  }

  get running(): boolean {
    return !this.stopped;
  }

  nextId(): number {
    return this.ids++;
  }

  /** Writes a frame on the authenticated connection; false when there is none. */
  send(frame: ClientFrame): boolean {
    return this.isAuthed && this.conn!.send(frame);
  }

  /** Writes a join or leave behind the connection's `auth` (`mayFollowAuth`); false when it cannot go yet. */
  sendBehindAuth(frame: ClientFrame): boolean {
    return this.mayFollowAuth && this.conn!.send(frame);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open('connecting');
  }

  /** Stops without reporting `fatal`; `reason` is sent in the close frame. */
  stop(reason = 'client closed'): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.reauthTimer);
    const conn = this.conn;
    this.conn = undefined;
    this.authed = false;
    conn?.close(1000, reason);
    this.on.state('closed');
  }

  private open(state: ConnectionState): void {
    this.on.state(state);
    // A reconnect goes to the next gateway: the one we lost may be dead or draining.
    if (state === 'reconnecting') this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    const conn: Connection = new Connection(
      this.opts.WebSocket,
      this.url,
      {
        onOpen: () => void this.authenticate(conn, this.forceRefresh),
        onFrame: (f) => this.conn === conn && this.onFrame(conn, f),
        onBadFrame: (raw) => this.on.badFrame(raw),
        onClose: (code, reason) => this.conn === conn && this.onClose(code, reason),
      },
      this.opts.idleTimeoutMs ?? Limits.idleTimeoutMs,
    );
    this.conn = conn;
  }

  private async authenticate(conn: Connection, forceRefresh: boolean, retry = true): Promise<void> {
    let token: string;
    try {
      token = await this.opts.getToken({ forceRefresh });
    } catch (err) {
      if (this.conn !== conn) return;
      if ((err as { status?: number }).status === 401) {
        return this.fail(new RealtimeError('unauthenticated', `Session ended: ${(err as Error).message}`));
      }
      return conn.close(1000, 'token unavailable', LOCAL_DEAD_CODE); // network trouble: try again later
    }
    if (this.conn !== conn || !conn.isOpen) return;
    const id = this.nextId();
    this.authIds.set(id, { retry, sentAt: this.opts.now(), lifetimeMs: tokenLifetimeMs(token) });
    if (!conn.send({ op: 'auth', id, token }) || this.authWrittenOn === conn) return; // a re-auth
    this.authWrittenOn = conn;
    this.on.authSent();
  }

  private onFrame(conn: Connection, f: ServerFrame): void {
    if (f.t === 'hello') {
      if (this.opts.idleTimeoutMs === undefined) conn.setIdleTimeout(f.limits.idleTimeoutMs);
    } else if (f.t === 'authed') {
      const req = f.id === undefined ? undefined : this.authIds.get(f.id);
      if (f.id !== undefined) this.authIds.delete(f.id);
      // Time left: from the token's own lifetime when readable (immune to clock skew), else from `exp`.
      const now = this.opts.now();
      const left = req?.lifetimeMs !== undefined ? req.lifetimeMs - (now - req.sentAt) : f.exp - now;
      this.scheduleReauth(conn, left);
      const first = !this.authed;
      this.authed = true;
      if (first) {
        this.forceRefresh = false;
        this.backoff.reset();
        this.on.state('open');
      }
      this.on.authed(f.user, f.exp, first);
    } else if (f.t === 'error' && f.id !== undefined && this.authIds.has(f.id)) {
      const retry = this.authIds.get(f.id)?.retry;
      this.authIds.delete(f.id);
      // An expired token is refreshed and tried once more; anything else is final.
      if (f.code === 'token_expired' && retry) return void this.authenticate(conn, true, false);
      this.fail(new RealtimeError('auth_failed', f.message));
    } else if (f.t === 'ping') {
      conn.send({ op: 'pong' });
    } else if (f.t === 'reconnect') {
      // The server closes at about `afterMs` from now; coming back then spreads the crowd as it chose.
      this.serverReconnectAt = this.opts.now() + Math.max(0, f.afterMs);
    } else {
      this.on.frame(f);
    }
  }

  /** Re-authenticates on the same connection shortly before the token expires. */
  private scheduleReauth(conn: Connection, leftMs: number): void {
    clearTimeout(this.reauthTimer);
    const margin = Math.min(60_000, Math.max(500, leftMs * 0.2));
    const fire = () => this.conn === conn && this.authed && void this.authenticate(conn, true);
    this.reauthTimer = setTimeout(fire, Math.max(0, leftMs - margin));
  }

  private onClose(code: number, reason: string): void {
    this.conn = undefined;
    this.authed = false;
    this.authIds.clear();
    clearTimeout(this.reauthTimer);
    this.on.down();
    if (this.stopped) return;
    if (code === AUTH_FAILED)
      return this.fail(new RealtimeError('auth_failed', reason || 'Authentication failed'));
    if (code === TOKEN_EXPIRED) this.forceRefresh = true;
    else if (!RECONNECTABLE_CLOSE_CODES.has(code) && !ALSO_RECONNECTABLE.has(code)) {
      return this.fail(new RealtimeError(`closed_${code}`, reason || `Connection closed with ${code}`));
    }
    this.on.state('reconnecting');
    const jittered = this.backoff.next(); // advance the ceiling even when the server names the delay
    const advised = this.serverReconnectAt;
    this.serverReconnectAt = undefined;
    const delay = advised === undefined ? jittered : Math.max(0, advised - this.opts.now());
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) this.open('reconnecting');
    }, delay);
  }

  private fail(error: RealtimeError): void {
    const wasAuthed = this.conn !== undefined;
    this.stop(error.code);
    if (wasAuthed) this.on.down();
    this.on.fatal(error);
  }
}
