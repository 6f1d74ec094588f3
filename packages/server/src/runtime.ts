/** Time, randomness and ids come through these, so tests can make them exact. */
import { randomBytes, randomUUID } from 'node:crypto';

export interface Runtime {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** A new unique id (UUID v4 text). */
  id(): string;
  /** `n` cryptographically random bytes. */
  random(n: number): Buffer;
}

export const systemRuntime: Runtime = {
  now: () => Date.now(),
  id: () => randomUUID(),
  random: (n) => randomBytes(n),
};
