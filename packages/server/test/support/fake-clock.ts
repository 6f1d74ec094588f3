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
