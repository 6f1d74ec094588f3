/**
 * Calls to Redis made one after another, sent together. Redis's client (ioredis, automatic pipelining) writes
 * what is asked within one turn of the event loop in one write and reads the answers in one read; fans joining
 * one after another at ~90 a second per gateway (100 000 over six) each asked in a turn of their own, so each
 * account join limit and each revocation check was a round trip, two system calls and their parsing, of its
 * own: ~2 Redis round trips per join (docs/benchmarks.md "Stop 47").
 *
 * `gathered(call, gapMs)` keeps the first call after a pause as it was (it leaves at once); a call asked within
 * `gapMs` of the last one that left waits for the gap's end, and all that waited leave in one turn, in the order
 * asked. Each keeps its own answer and error. A caller waits at most `gapMs` more.
 * The same idea, and the same gap rule (send-gap.ts), as the access cache's batched reads (app/pair-batches.ts)
 * without a batch read: Redis answers each command, only the writes and reads are shared. Written here because it
 * is a dozen lines and the schedulers on npm (DataLoader, p-debounce) batch keys or drop calls, which these are
 * not.
 */

import { SendGap } from './send-gap.ts';

/** The gathering window the join path's Redis calls use (account join limit, revocation check). */
const GATHER_MS = 50;

export function gathered<A extends unknown[], R>(
  call: (...args: A) => Promise<R>,
  gapMs = GATHER_MS,
): (...args: A) => Promise<R> {
  const gap = new SendGap(gapMs);
  let waiting: { args: A; resolve: (r: R) => void; reject: (e: unknown) => void }[] | undefined;
  const sendWaiting = () => {
    const batch = waiting!;
    waiting = undefined;
    gap.sent();
    for (const w of batch) {
      // A call that throws instead of rejecting answers its own caller, not the others.
      new Promise<R>((resolve) => resolve(call(...w.args))).then(w.resolve, w.reject);
    }
  };
  return (...args: A) => {
    const now = performance.now();
    if (waiting === undefined && gap.waitMs(now) === 0) {
      gap.sent(now);
      return call(...args);
    }
    return new Promise<R>((resolve, reject) => {
      if (waiting === undefined) {
        waiting = [];
        setTimeout(sendWaiting, gap.waitMs(now));
      }
      waiting.push({ args, resolve, reject });
    });
  };
}
