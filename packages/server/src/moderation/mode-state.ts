/**
 * The state room modes need across processes: when each fan last sent to a room (slow mode) and which texts a
 * room saw lately (unique chat). In memory in embedded mode, in Redis in scale-out mode, so a fan cannot beat slow
 * mode by landing on another gateway. Times are the caller's clock (the injected Runtime), so both behave alike.
 */
export type GateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface ModerationState {
  /**
   * Atomically, per (room, user): refuses with the wait (> 0) when their last accepted send was less than
   * `intervalMs` before `now`; otherwise records `now` as their last send and allows. intervalMs 0 always allows
   * and records nothing.
   */
  slowGate(room: string, userId: string, intervalMs: number, now: number): Promise<GateDecision>;
  /**
   * Atomically, per (room, textKey): refuses with the wait until the text may be sent again when the same key
   * was accepted less than `windowMs` before `now`; otherwise records it and allows.
   */
  uniqueGate(room: string, textKey: string, windowMs: number, now: number): Promise<GateDecision>;
  close(): Promise<void>;
}
