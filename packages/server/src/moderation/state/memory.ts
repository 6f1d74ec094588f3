/**
 * ModerationState in process memory: the real embedded-mode implementation. Entries are forgotten once their
 * interval has passed (a periodic sweep), and a hard cap bounds memory under a flood of distinct keys
 * (forgetting only ever errs towards allowing a send).
 */
import type { GateDecision, ModerationState } from '../mode-state.ts';

export class MemoryModerationState implements ModerationState {
  private readonly entries = new Map<string, { last: number; until: number }>();
  private lastSweep = 0;

  constructor(private readonly opts: { maxKeys?: number; sweepEveryMs?: number } = {}) {}

  get size(): number {
    return this.entries.size;
  }

  slowGate(room: string, userId: string, intervalMs: number, now: number): Promise<GateDecision> {
    return Promise.resolve(this.gate(`s\u0000${room}\u0000${userId}`, intervalMs, now));
  }

  uniqueGate(room: string, textKey: string, windowMs: number, now: number): Promise<GateDecision> {
    return Promise.resolve(this.gate(`u\u0000${room}\u0000${textKey}`, windowMs, now));
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private gate(key: string, intervalMs: number, now: number): GateDecision {
    if (intervalMs <= 0) return { allowed: true };
    this.sweep(now);
    const held = this.entries.get(key);
    if (held !== undefined && now - held.last < intervalMs) {
      return { allowed: false, retryAfterMs: held.last + intervalMs - now };
    }
    this.entries.delete(key);
    this.entries.set(key, { last: now, until: now + intervalMs });
    const max = this.opts.maxKeys ?? 200_000;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value as string);
    return { allowed: true };
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < (this.opts.sweepEveryMs ?? 10_000)) return;
    this.lastSweep = now;
    for (const [k, e] of this.entries) if (e.until <= now) this.entries.delete(k);
  }
}
