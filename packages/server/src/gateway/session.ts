/**
 * One WebSocket connection's state: who it is, which rooms it joined, frames held during a join, and the
 * deadlines that enforce the protocol (auth, token expiry, heartbeat, idle timeout: SessionClock acts on them).
 */
import { type ErrorCode, type ServerFrame } from '@lightstick/protocol';
import type { Principal } from '../auth/principal.ts';
import type { SharedClaim } from './admission.ts';
import { prepare, type PreparedFrame, type WsConnection } from './connection.ts';
import type { Subscriber } from './outbox.ts';
import { RoomStates } from './room-states.ts';

export class Session implements Subscriber {
  principal: Principal | undefined;
  /** The client address (Admission.clientAddress), for the per-address limits; set by Admission.opened. */
  address: string | undefined;
  /** The account Admission counted this socket for (once authenticated), and its deployment-wide claim. */
  countedAccount: string | undefined;
  claim: SharedClaim | undefined;
  readonly rooms = new RoomStates();
  /** Frames held per room while it is being joined; only while a join is under way. */
  private holds: Map<string, PreparedFrame[]> | undefined;
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
  /**
   * Deadlines kept by the gateway's SessionClock (whole monotonic milliseconds): authenticate by, last frame
   * seen at, next ping at, token expires by (set with the principal).
   */
  authBy = 0;
  seenAt = 0;
  pingAt = 0;
  expiresBy = 0;

  constructor(
    readonly id: string,
    readonly connection: WsConnection,
  ) {}

  held(room: string): PreparedFrame[] | undefined {
    return this.holds?.get(room);
  }

  startHold(room: string): void {
    (this.holds ??= new Map()).set(room, []);
  }

  /** Stops holding and returns what was held, to be written after `joined`. */
  endHold(room: string): PreparedFrame[] {
    const held = this.holds?.get(room) ?? [];
    this.holds?.delete(room);
    if (this.holds?.size === 0) this.holds = undefined;
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
}
