/** A Runtime whose clock moves only when a test says so; ids and randomness stay real. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Runtime } from '../../src/runtime.ts';

export interface FakeClock extends Runtime {
  advance(ms: number): void;
}

export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  return {
    now: () => t,
    id: () => randomUUID(),
    random: (n) => randomBytes(n),
    advance: (ms) => void (t += ms),
  };
}

/**
 * Wraps a conformance test: a fresh store from `factory` on a fake clock, a unique room name, and the
 * factory's cleanup afterwards whatever the test did.
 */
export function withClockedStore<S>(
  factory: (runtime: Runtime) => Promise<{ store: S; cleanup(): Promise<void> }>,
  fn: (store: S, clock: FakeClock, room: string) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const clock = fakeClock();
    const { store, cleanup } = await factory(clock);
    try {
      await fn(store, clock, `room-${randomUUID()}`);
    } finally {
      await cleanup();
    }
  };
}
