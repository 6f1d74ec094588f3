/** Waiting for the Archiver: capped exponential backoff with jitter, and a sleep that stop() can cut short. */

/**
 * Delay before retry number `failures` (1 = first retry): minMs doubling per failure, capped at maxMs, then
 * scaled into [50 %, 100 %] by `jitter` (a number in [0, 1)) so several archivers do not retry in step.
 */
export function backoffDelay(
  failures: number,
  range: { minMs: number; maxMs: number },
  jitter: number,
): number {
  const exp = Math.min(30, Math.max(0, failures - 1));
  const full = Math.min(range.maxMs, range.minMs * 2 ** exp);
  return Math.round(full * (0.5 + Math.min(Math.max(jitter, 0), 1) / 2));
}

export class Sleeper {
  private wakeCurrent: (() => void) | undefined;
  private woken = false;

  /** Resolves after `ms`, or at once when wake() was called (now or earlier). */
  sleep(ms: number): Promise<void> {
    if (this.woken) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeCurrent = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      this.wakeCurrent = done;
    });
  }

  /** Ends the current sleep and every later one (used when stopping). */
  wake(): void {
    this.woken = true;
    this.wakeCurrent?.();
  }
}
