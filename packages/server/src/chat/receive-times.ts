/**
 * When the server received each send (monotonic ms), kept in memory by message id and never put on the wire,
 * so the outbox can measure send-to-deliver latency. Bounded: the oldest entries go first.
 */
export class ReceiveTimes {
  private readonly times = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  set(messageId: string, at: number): void {
    if (this.times.size >= this.max) {
      const oldest = this.times.keys().next();
      if (oldest.done !== true) this.times.delete(oldest.value);
    }
    this.times.set(messageId, at);
  }

  /** Returns and forgets the time (a message is delivered once per process). */
  take(messageId: string): number | undefined {
    const at = this.times.get(messageId);
    if (at !== undefined) this.times.delete(messageId);
    return at;
  }
}
