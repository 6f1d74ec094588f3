/**
 * Free TCP ports on 127.0.0.1 for the servers the tests and the benchmark start as child processes (Lightstick,
 * redis-server, PostgreSQL, Prometheus), which must be told their port before they bind it, and may come back on
 * the same one after a kill.
 *
 * Why not `listen(0)` and close, as before: that port comes from the kernel's ephemeral range, the same range it
 * gives every outgoing connection its source port, and the suite and the benchmark make thousands of connections
 * from 127.0.0.1 (to Redis, PostgreSQL and the servers). One could take the port between the check and the
 * child's own bind: a benchmark gateway exited with `EADDRINUSE` before listening (docs/benchmarks.md, stop 38).
 * A port below the range is never a source port. It is chosen at random and checked free, so two callers rarely
 * pick the same one at once; `retryIfTaken` starts again on another port if one did.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port chosen from: under it are well-known services' ports (PostgreSQL 5432, Redis 6379, ...). */
const LOWEST = 10_000;
/** Fewer free candidates than this below the ephemeral range (a machine that moved it down): use listen(0). */
const ENOUGH = 1_000;
const TRIES = 50;

/** The first port of the kernel's ephemeral range (Linux; 32768, its default, where it cannot be read). */
export function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** A free TCP port on 127.0.0.1, below the kernel's ephemeral range where there is room (above). */
export async function freePort(): Promise<number> {
  const below = ephemeralLow();
  if (below - LOWEST >= ENOUGH) {
    for (let i = 0; i < TRIES; i++) {
      const port = await tryPort(LOWEST + Math.floor(Math.random() * (below - LOWEST)));
      if (port !== undefined) return port;
    }
  }
  const any = await tryPort(0);
  if (any === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return any;
}

/**
 * Runs `start` on a free port, and again on another (up to `tries` in all) while it fails because its port was
 * taken (`EADDRINUSE` in the error's message: a child process reports it in the output the error carries).
 */
export async function retryIfTaken<T>(start: (port: number) => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (err) {
      if (i >= tries || !/EADDRINUSE/.test(String((err as Error)?.message ?? err))) throw err;
    }
  }
}

/** Binds `port` on 127.0.0.1 (0: any) and lets it go: the port it bound, or undefined if it could not. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : undefined;
      srv.close(() => resolve(bound));
    });
  });
}
