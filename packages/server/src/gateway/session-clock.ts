/**
 * A gateway's connection deadlines on one clock: the auth deadline, the heartbeat `ping`, the idle timeout and
 * the token's expiry of every session are numbers on the session, checked by one timer per gateway. A due
 * `ping` rides the socket's next write when one comes within `rideMs` (RIDE_SHARE), and goes alone after that.
 *
 * Why not a timer per session: each session held three or four Node timers (a Timeout object, its closure and
 * scope, and a Set to clear them), about 1 KB of JS heap per connection, and arming them was part of every
 * connect; at 100 000 fans that is 100 MB and 300 000 timers for deadlines that need no better than a tick's
 * precision (issue 6, docs/benchmarks.md). One pass over the sessions per tick costs a few microseconds per
 * thousand sessions.
 *
 * A `ping` that rode nothing is written by the fan-out writer (fanout-writer.ts), behind the passes already
 * queued, not by the tick itself. The tick wrote them in one burst (a gateway holding 16 700 quiet fans: about
 * 670 write system calls each second, none of its reads served meanwhile), and during a pass it wrote them alone
 * to members the pass was about to write to anyway (issue 6, docs/benchmarks.md "Stop 40"). Queued behind the
 * pass, a member's `ping` rides the pass's write, and the rest go in the writer's slices, reads served between.
 *
 * Times are whole milliseconds of the scheduler's monotonic clock (small integers stay unboxed in V8's
 * objects). The timer runs only while the gateway has sessions.
 */
import { CloseCode } from '@lightstick/protocol';
import { prepare } from './connection.ts';
import type { FanoutWriter } from './fanout-writer.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import type { Session } from './session.ts';

const PING = prepare({ t: 'ping' });
/**
 * A due `ping` waits up to this share of the heartbeat (2.5 s of 25) for a write going to the socket anyway, and
 * rides it (WsConnection.owe): a fan in a live room is written a flush every second or so, so its pings cost
 * no write of their own. A quiet socket gets its `ping` alone, that much later (plus up to a tick).
 */
const RIDE_SHARE = 0.1;
/** The tick: a quarter of the shortest deadline, between these bounds (tests shorten the limits). */
const MIN_TICK_MS = 10;
const MAX_TICK_MS = 1000;
/** What a lone `ping` that a pass already took along costs the writer's slice, in socket writes (as hub.ts skips). */
const TAKEN_COST = 1 / 32;

export interface ClockLimits {
  authTimeoutMs: number;
  heartbeatMs: number;
  idleTimeoutMs: number;
}

export interface ClockOptions {
  /** Where in the first interval a connection's first ping falls (0..1; tests pass their own). */
  random?: () => number;
  /** Writes the pings that rode nothing, after the passes queued before them (the gateway's fan-out writer). */
  writer: Pick<FanoutWriter, 'add' | 'pump'>;
}

export class SessionClock {
  /** How late a deadline may be acted on, at most. */
  readonly tickMs: number;
  /** How long a due `ping` waits for another write to ride (RIDE_SHARE). */
  readonly rideMs: number;
  private timer: TimerHandle | undefined;
  private readonly random: () => number;
  private readonly writer: ClockOptions['writer'];
  /** The sessions whose `ping` waited its ride out, gathered by one tick. */
  private alone: Session[] = [];

  constructor(
    private readonly sessions: ReadonlySet<Session>,
    private readonly limits: ClockLimits,
    private readonly scheduler: Scheduler,
    options: ClockOptions,
  ) {
    this.random = options.random ?? Math.random;
    this.writer = options.writer;
    const shortest = Math.min(limits.authTimeoutMs, limits.heartbeatMs, limits.idleTimeoutMs);
    this.tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, Math.floor(shortest / 4)));
    this.rideMs = Math.floor(limits.heartbeatMs * RIDE_SHARE);
  }

  /**
   * A new connection: it must authenticate within authTimeoutMs, and is pinged every heartbeatMs, the first
   * time at a random point of the interval's second half. Connections made together (a room filling up, a dead
   * gateway's clients coming back) would otherwise be pinged together every interval for as long as they
   * stay: 50 000 fans connected in 13 s were 3 800 pings and pongs a second for 13 s of every 25, and a
   * benchmark phase that fell on such a burst measured a fan p50 a quarter higher (issue 6, docs/benchmarks.md
   * "Stop 29").
   */
  opened(session: Session): void {
    const now = this.now();
    session.authBy = now + this.limits.authTimeoutMs;
    session.seenAt = now;
    const beat = this.limits.heartbeatMs;
    session.pingAt = now + beat - Math.floor((beat / 2) * this.random());
    this.timer ??= this.scheduler.setTimeout(() => this.tick(), this.tickMs);
  }

  /** Something arrived from the client: the idle clock starts again. */
  touched(session: Session): void {
    session.seenAt = this.now();
  }

  /** The token lasts `lifetimeMs` more (re-set by every successful auth): then `token_expired` and 4004. */
  expiresIn(session: Session, lifetimeMs: number): void {
    session.expiresBy = this.now() + Math.max(0, lifetimeMs);
  }

  /** One pass: acts on every deadline that has come, then arms the next while there are sessions. */
  private tick(): void {
    this.timer = undefined;
    const now = this.now();
    for (const s of this.sessions) this.check(s, now);
    if (this.alone.length > 0) this.payAlone();
    if (this.sessions.size > 0) this.timer = this.scheduler.setTimeout(() => this.tick(), this.tickMs);
  }

  /** Hands the tick's lone pings to the fan-out writer (see the header). */
  private payAlone(): void {
    const alone = this.alone;
    this.alone = [];
    let next = 0;
    this.writer.add({
      step: (budget) => {
        if (next === alone.length) return 0;
        // A ping a pass took along costs nothing here: counted as a fraction of a write.
        let cost = 0;
        while (cost < budget && next < alone.length)
          cost += alone[next++]!.connection.payOwed() ? 1 : TAKEN_COST;
        return Math.max(1, Math.ceil(cost));
      },
      done: () => undefined,
    });
    this.writer.pump();
  }

  stop(): void {
    if (this.timer !== undefined) this.scheduler.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(s: Session, now: number): void {
    if (!s.active) return;
    if (s.principal === undefined && now >= s.authBy) {
      s.close(CloseCode.AuthTimeout, 'auth timeout');
      return;
    }
    if (s.principal !== undefined && now >= s.expiresBy) {
      s.error(undefined, 'token_expired', 'The access token expired; refresh it and reconnect');
      s.close(CloseCode.TokenExpired, 'token expired');
      return;
    }
    if (now - s.seenAt >= this.limits.idleTimeoutMs) {
      s.close(CloseCode.IdleTimeout, 'idle timeout');
      return;
    }
    const beat = this.limits.heartbeatMs;
    if (now >= s.pingAt) {
      s.pingAt = now + beat;
      s.connection.owe(PING);
    } else if (now >= s.pingAt - beat + this.rideMs && s.connection.owing) this.alone.push(s);
  }

  private now(): number {
    return Math.floor(this.scheduler.now());
  }
}
