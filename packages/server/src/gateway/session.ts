/**
 * One WebSocket connection's state: who it is, which rooms it joined, frames held during a join, and the
 * timers that enforce the protocol (auth deadline, token expiry, heartbeat, idle timeout).
 */
import { CloseCode, type ErrorCode, type ServerFrame } from '@lightstick/protocol';
import type { Principal } from '../auth/principal.ts';
import { prepare, type PreparedFrame, type WsConnection } from './connection.ts';
import type { Subscriber } from './outbox.ts';

/** Longest setTimeout delay Node accepts; a later token expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PING = prepare({ t: 'ping' });

export type RoomState = 'joining' | 'joined';

export class Session implements Subscriber {
  principal: Principal | undefined;
  /** The client address (Admission.clientAddress), for the per-address limits. */
  address: string | undefined;
  readonly rooms = new Map<string, RoomState>();
  private readonly holds = new Map<string, PreparedFrame[]>();
  /** Bad frames and refused sends in a row; a good frame resets it. */
  strikes = 0;
  /**
   * The last `rate_limited` answer: when it was written and when the wait it announced ends
   * (performance.now() ms). A send or join received between the two ignored the wait (a strike).
   */
  refusedAt = -Infinity;
  waitEndsAt = -Infinity;
  /** A join's replay was refused for the account's replay budget (logged once per connection). */
  replayRefused = false;
  /** Frames received and not yet handled. */
  backlog = 0;
  closed = false;
  private closing = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private idle: NodeJS.Timeout | undefined;
  private expiry: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly connection: WsConnection,
  ) {}

  held(room: string): PreparedFrame[] | undefined {
    return this.holds.get(room);
  }

  startHold(room: string): void {
    this.holds.set(room, []);
  }

  /** Stops holding and returns what was held, to be written after `joined`. */
  endHold(room: string): PreparedFrame[] {
    const held = this.holds.get(room) ?? [];
    this.holds.delete(room);
    return held;
  }

  reply(frame: ServerFrame): void {
    this.connection.reply(prepare(frame));
  }

  error(id: number | undefined, code: ErrorCode, message: string, retryAfterMs?: number): void {
    const frame: ServerFrame = { t: 'error', code, message };
    if (id !== undefined) frame.id = id;
    if (retryAfterMs !== undefined) frame.retryAfterMs = retryAfterMs;
    this.reply(frame);
  }

  /** Once a close is decided, the frames still queued behind it are not acted on (see `active`). */
  close(code: number, reason: string): void {
    this.closing = true;
    this.connection.close(code, reason);
  }

  /** False once a close was decided or the socket went: frames then are dropped unhandled. */
  get active(): boolean {
    return !this.closed && !this.closing && this.connection.open;
  }

  /** Arms the timers that do not depend on the principal. */
  armTimers(opts: { authTimeoutMs: number; heartbeatMs: number; idleTimeoutMs: number }): void {
    this.after(opts.authTimeoutMs, () => {
      if (this.principal === undefined) this.close(CloseCode.AuthTimeout, 'auth timeout');
    });
    this.idle = this.after(opts.idleTimeoutMs, () => this.close(CloseCode.IdleTimeout, 'idle timeout'));
    const beat = setInterval(() => this.connection.write(PING), opts.heartbeatMs);
    this.timers.add(beat);
  }

  /** Something arrived from the client: the idle clock starts again. */
  touched(): void {
    if (this.idle !== undefined && this.timers.has(this.idle)) this.idle.refresh();
  }

  /** Closes with 4004 when the token expires without a re-auth (re-armed by every successful auth). */
  armExpiry(expiresAt: number, now: number): void {
    if (this.expiry !== undefined) {
      clearTimeout(this.expiry);
      this.timers.delete(this.expiry);
    }
    const wait = Math.max(0, expiresAt - now);
    this.expiry = this.after(Math.min(wait, MAX_TIMER_MS), () => {
      if (wait > MAX_TIMER_MS) return this.armExpiry(expiresAt, now + MAX_TIMER_MS);
      this.error(undefined, 'token_expired', 'The access token expired; refresh it and reconnect');
      this.close(CloseCode.TokenExpired, 'token expired');
    });
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }
}
