/**
 * Join and leave requests of a RealtimeClient: writes them on the authenticated link, matches their
 * answers by request id, and settles the promises the app awaits. A join refused for rate is written again
 * after the server's wait, and one refused with a passing error after the app was told about the room after
 * a backoff (rejoins.ts).
 */
import type { Position } from '@lightstick/protocol';
import type { Link } from './link.ts';
import { Rejoins } from './rejoins.ts';
import type { JoinResult } from './realtime-types.ts';
import type { RoomStreams } from './rooms.ts';

export interface RoomRequest {
  kind: 'join' | 'leave';
  room: string;
}

export class Joins {
  /** Join and leave requests in flight on the current connection. */
  private readonly requests = new Map<number, RoomRequest>();
  private readonly joinWaiters = new Map<
    string,
    { resolve(r: JoinResult): void; reject(e: Error): void }[]
  >();
  private readonly leaveWaiters = new Map<number, () => void>();
  private readonly rejoins = new Rejoins((room) => this.send(room));

  constructor(
    private readonly link: Link,
    private readonly rooms: RoomStreams,
  ) {}

  /** Settles with the room's next `joined`, or rejects with its refusal. */
  wait(room: string): Promise<JoinResult> {
    return new Promise<JoinResult>((resolve, reject) => {
      this.joinWaiters.set(room, [...(this.joinWaiters.get(room) ?? []), { resolve, reject }]);
    });
  }

  /**
   * Joins (or joins again, to repair a gap) from the held position: on a signed-in connection, or right behind
   * its `auth` (link.ts, `mayFollowAuth`).
   */
  send(room: string): void {
    const s = this.rooms.get(room);
    if (!s || !this.link.mayFollowAuth) return;
    const id = this.link.nextId();
    const frame = s.pos ? { op: 'join' as const, id, room, since: s.pos } : { op: 'join' as const, id, room };
    if (!this.link.sendBehindAuth(frame)) return;
    s.joining = true;
    this.requests.set(id, { kind: 'join', room });
  }

  /** Writes a `leave`; the promise settles with its answer (or the drop of the connection). */
  sendLeave(room: string): Promise<void> | undefined {
    const id = this.link.nextId();
    // Behind the `auth` too: a join written there may already be on its way, and the leave must follow it.
    if (!this.link.sendBehindAuth({ op: 'leave', id, room })) return undefined;
    this.requests.set(id, { kind: 'leave', room });
    return new Promise<void>((resolve) => this.leaveWaiters.set(id, resolve));
  }

  /** The join or leave that request `id` carried, if it is still in flight. */
  request(id: number | undefined): RoomRequest | undefined {
    return id === undefined ? undefined : this.requests.get(id);
  }

  forget(id: number): void {
    this.requests.delete(id);
  }

  /** The room's join went through: resolves the app's waiters. */
  joined(room: string, pos: Position, reload: boolean): void {
    for (const w of this.joinWaiters.get(room) ?? []) w.resolve({ pos, reload });
    this.joinWaiters.delete(room);
  }

  finishLeave(id: number | undefined): void {
    if (id === undefined) return;
    this.requests.delete(id);
    const resolve = this.leaveWaiters.get(id);
    this.leaveWaiters.delete(id);
    resolve?.();
  }

  /**
   * A join refused with `rate_limited` (too many joins on the connection or the account) is written again
   * once the server's `retryAfterMs` has passed, first join or re-join: the room is kept and the app's promise
   * waits. A join the app was already told about (a resume after reconnect, a gap repair) refused with a
   * passing error is joined again after a backoff, as the protocol advises for `unavailable`; a first join is
   * rejected instead. Final refusals (forbidden...) drop the room.
   */
  retry(room: string, code: string, retryAfterMs?: number): boolean {
    const s = this.rooms.get(room);
    if (!s) return false;
    if (code === 'rate_limited') {
      this.rejoins.wait(room, retryAfterMs ?? 1000);
      return true;
    }
    if (this.joinWaiters.has(room) || (code !== 'unavailable' && code !== 'internal')) return false;
    this.rejoins.schedule(room);
    return true;
  }

  stopRejoin(room: string): void {
    this.rejoins.stop(room);
  }

  /** Rejects the app's waiters for the room's join. */
  settle(room: string, err: Error): void {
    for (const w of this.joinWaiters.get(room) ?? []) w.reject(err);
    this.joinWaiters.delete(room);
  }

  /** Nothing in flight on the dropped connection will be answered: leaves count as done. */
  onDown(): void {
    this.requests.clear();
    for (const resolve of this.leaveWaiters.values()) resolve();
    this.leaveWaiters.clear();
  }

  /** Stopped for good: no re-join, and every awaited join is rejected with `error`. */
  stopAll(error: Error): void {
    this.rejoins.stopAll();
    for (const room of [...this.joinWaiters.keys()]) this.settle(room, error);
  }

  pauseRejoins(): void {
    this.rejoins.pause();
  }
}
