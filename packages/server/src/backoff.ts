/**
 * The server's one retry backoff (Redis reconnects, the archiver, worker restarts): capped exponential, and
 * optionally jittered so several processes do not retry in step.
 *
 * Delay before retry number `attempt` (1 = first retry): minMs doubling per attempt, capped at maxMs, then,
 * with a `jitter` in [0, 1), scaled into [50 %, 100 %] of that.
 */
export function backoffDelay(
  attempt: number,
  range: { minMs: number; maxMs: number },
  jitter?: number,
): number {
  const exp = Math.min(30, Math.max(0, attempt - 1));
  const full = Math.min(range.maxMs, range.minMs * 2 ** exp);
  if (jitter === undefined) return full;
  return Math.round(full * (0.5 + Math.min(Math.max(jitter, 0), 1) / 2));
}
