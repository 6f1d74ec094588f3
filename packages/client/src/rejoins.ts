/**
 * Re-joins the server refused for now, each waiting its turn: after a passing error (`unavailable`,
 * `internal`) a backoff that keeps growing across refusals until the room is joined or dropped; after
 * `rate_limited` the wait the server announced. Rooms refused for rate together (a resume of many rooms on
 * a reconnect) wait one `retryAfterMs` more each, so they come back at about the pace the server refills its
 * allowance instead of all at once, to be refused again.
 */
import { Backoff } from './backoff.ts';
import { UNAVAILABLE_BACKOFF } from './retry-policy.ts';

interface Waiting {
  timer?: ReturnType<typeof setTimeout>;
  backoff: Backoff;
  /** Waiting out a `rate_limited` answer. */
  limited?: boolean;
}

export class Rejoins {
  private readonly byRoom = new Map<string, Waiting>();

  /** `rejoin` writes the join again once the wait has passed. */
  constructor(private readonly rejoin: (room: string) => void) {}

  /** Joins the room again after its next backoff delay. */
  schedule(room: string): void {
    this.arm(room, (r) => Math.max(100, r.backoff.next()), false);
  }

  /** Joins the room again once `retryAfterMs` has passed, after the rooms already waiting for rate. */
  wait(room: string, retryAfterMs: number): void {
    const ahead = [...this.byRoom.entries()].filter(
      ([other, r]) => other !== room && r.limited && r.timer !== undefined,
    ).length;
    this.arm(room, () => Math.max(100, retryAfterMs) * (1 + ahead), true);
  }

  /** The room was joined or dropped: no re-join, and the next refusal starts a fresh backoff. */
  stop(room: string): void {
    clearTimeout(this.byRoom.get(room)?.timer);
    this.byRoom.delete(room);
  }

  /** The connection dropped: every room is joined again once authenticated, so no timer may double that. */
  pause(): void {
    for (const r of this.byRoom.values()) {
      clearTimeout(r.timer);
      r.timer = undefined;
    }
  }

  stopAll(): void {
    for (const room of [...this.byRoom.keys()]) this.stop(room);
  }

  private arm(room: string, delay: (r: Waiting) => number, limited: boolean): void {
    let r = this.byRoom.get(room);
    if (!r) this.byRoom.set(room, (r = { backoff: new Backoff(UNAVAILABLE_BACKOFF) }));
    clearTimeout(r.timer);
    r.limited = limited;
    // Still `joining`: sends wait, and live frames that do not follow on are left to the coming replay.
    const waiting = r;
    waiting.timer = setTimeout(() => {
      waiting.timer = undefined;
      this.rejoin(room);
    }, delay(waiting));
  }
}
