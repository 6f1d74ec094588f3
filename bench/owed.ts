/**
 * What a `live` phase owed its clients and whether it paid: the loss figures and the "highest rate" verdicts of
 * bench/live.ts, as plain functions so their edge cases are tested (test/unit/bench-owed.test.ts).
 *
 * Two ways a message is lost, counted apart:
 * - `lossPct`: of the messages that reached at least one client, the share of (message, client) pairs missing.
 *   Every client is in the room, so a message one client got is owed to all of them.
 * - `unseenPct`: of the messages sent and not refused by the server, the share no client got at all. A peer
 *   that falls far enough behind delivers nothing in the window: stop 32's Socket.IO phase at 50 000 x 20 msgs/s
 *   sent 306, had 0 acknowledged and 0 seen, and with loss counted only over what was seen it read 0 % and was
 *   called "delivered completely".
 */

export interface PhaseCounts {
  /** Sends the load generators made in the phase. */
  sent: number;
  /** Of them, answered with an error by the server (a limit, a bad frame): not owed to anyone. */
  refused: number;
  /** Distinct messages of the phase that reached at least one client. */
  seen: number;
  /** (message, client) deliveries counted. */
  delivered: number;
  /** Clients in the room. */
  clients: number;
}

/** `x` to `d` decimals for a table; null for a figure that is not one (a ratio over nothing). */
export const round = (x: number, d = 1) => (Number.isFinite(x) ? +x.toFixed(d) : null);

export function lossFigures(c: PhaseCounts): { lossPct: number | null; unseenPct: number | null } {
  const expected = c.seen * c.clients;
  const owedMessages = Math.max(0, c.sent - c.refused);
  return {
    lossPct: round(expected > 0 ? (100 * (expected - c.delivered)) / expected : 0, 3),
    unseenPct: round(owedMessages > 0 ? (100 * Math.max(0, owedMessages - c.seen)) / owedMessages : 0, 3),
  };
}

/** Microseconds of CPU per delivery; none when nothing was delivered (a ratio of nothing is not a figure). */
export function perDelivery(cpuMs: number, delivered: number): number | null {
  return delivered > 0 ? round((cpuMs * 1000) / delivered, 2) : null;
}

/** Under 1 % of what was owed missing, by either count. */
export function deliveredWhole(r: Record<string, unknown>): boolean {
  return (
    typeof r.lossPct === 'number' &&
    r.lossPct < 1 &&
    typeof r.unseenPct === 'number' &&
    r.unseenPct < 1 &&
    typeof r.messages === 'number' &&
    r.messages > 0
  );
}

/** The highest `rate` of the phases that pass `ok`, null when none does. */
export function highestRate(
  phases: Record<string, unknown>[],
  ok: (r: Record<string, unknown>) => boolean,
): number | null {
  const rates = phases.filter(ok).map((r) => r.rate as number);
  return rates.length > 0 ? Math.max(...rates) : null;
}
