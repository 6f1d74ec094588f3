/**
 * Counts a server-side socket's write system calls, for the regression tests that hold the fan-out to one write
 * per flush (a heartbeat `ping` riding the flush instead of a write of its own).
 */
import type { Socket } from 'node:net';

/** Counts the calls that hand bytes to the kernel: one `_write` or `_writev` per system call here. */
export function countWrites(socket: Socket): () => number {
  let calls = 0;
  const s = socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
  for (const name of ['_write', '_writev'] as const) {
    const real = s[name].bind(socket);
    s[name] = (...a: unknown[]) => {
      calls++;
      return real(...a);
    };
  }
  return () => calls;
}
