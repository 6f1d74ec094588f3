/**
 * Re-joins refused with a passing error (`unavailable`, `internal`), each waiting out its backoff. The
 * backoff of a room keeps growing across refusals until the room is joined or dropped.
 */
import { Backoff } from './backoff.ts';
import { UNAVAILABLE_BACKOFF } from './retry-policy.ts';

export class Rejoins {
  private readonly byRoom = new Map<string, { timer?: ReturnType<typeof setTimeout>; backoff: Backoff }>();

  /** `rejoin` writes the join again once the backoff has passed. */
  constructor(private readonly rejoin: (room: string) => void) {}

  /** Joins the room again after its next backoff delay. */
  schedule(room: string): void {
    let r = this.byRoom.get(room);
    if (!r) this.byRoom.set(room, (r = { backoff: new Backoff(UNAVAILABLE_BACKOFF) }));
    clearTimeout(r.timer);
    // Still `joining`: sends wait, and live frames that do not follow on are left to the coming replay.
    r.timer = setTimeout(
      () => {
        r.timer = undefined;
        this.rejoin(room);
      },
      Math.max(100, r.backoff.next()),
    );
  }

  /** The room was joined or dropped: no re-join, and the next refusal starts a fresh backoff. */
  stop(room: string): void {
    clearTimeout(this.byRoom.get(room)?.timer);
    this.byRoom.delete(room);
  }

  /** The connection dropped: every room is joined again once authenticated, so no timer may double that. */
  pause(): void {
    for (const r of this.byRoom.values()) clearTimeout(r.timer);
  }

  stopAll(): void {
    for (const room of [...this.byRoom.keys()]) this.stop(room);
  }
}
