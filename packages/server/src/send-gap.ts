/**
 * The least time between two sends of one kind, the rule under both of the join path's gatherings: the batched
 * membership and sanctions reads (app/pair-batches.ts) and the gathered Redis calls (gathered-calls.ts). Fans
 * joining one after another at ~90 a second per gateway each found the send before answered and made one of
 * their own; a send that waits out the gap carries what was asked meanwhile (docs/benchmarks.md "Stop 46",
 * "Stop 47"). The first send after a pause waits for nothing. Kept in one place so the two cannot drift apart.
 */
export class SendGap {
  private lastSentAt = -Infinity;

  constructor(readonly gapMs: number) {}

  /** How long a send asked `now` waits before it may leave: 0 when the gap since the last one is over. */
  waitMs(now = performance.now()): number {
    return Math.max(0, this.lastSentAt + this.gapMs - now);
  }

  /** A send left `now`: the next one waits the gap from here. */
  sent(now = performance.now()): void {
    this.lastSentAt = now;
  }
}
