/**
 * Which gateway each of the benchmark's clients connects to first, and how many of a killed gateway's clients
 * the survivors have sockets for. Apart from bench/live.ts so the unit tests can check the arithmetic without
 * starting anything.
 */

export interface Spread {
  connections: number;
  gateways: number;
  /** `storm --killed N`: the clients on the gateway the storm kills (the last); unset: an equal share. */
  killed?: number;
}

/**
 * The gateway client `i` connects to first: round the gateways, or with `killed` N clients spread evenly
 * through the list on the last gateway, the one the storm kills, and the rest round the others. The issue's
 * storm is a gateway with 17 000 clients dying; an equal share of 17 000 leaves the survivors sockets for them
 * only from 10 gateways (170 000 connections) on this machine (stop 28), while 17 000 on one of 7 gateways
 * beside 10 000 on each other fits in 77 000 (stop 45). Client 0, the artist, stays on a survivor.
 */
export function gatewayOf(i: number, { connections, gateways, killed }: Spread): number {
  if (killed === undefined || gateways < 2) return i % gateways;
  // How many of the first j clients are the killed gateway's.
  const onLast = (j: number) => Math.floor((j * killed) / connections);
  if (onLast(i + 1) > onLast(i)) return gateways - 1;
  return (i - onLast(i)) % (gateways - 1);
}

/**
 * How many of the killed gateway's clients the survivors have sockets for: each gateway process holds at most
 * `budget` sockets (the open-file limit less a reserve, `socketBudget` of src/app/workers.ts, which the gateways
 * inherit from the harness), and the survivors already hold their own clients. 100 000 over 6 gateways on this
 * machine (20 000 open files: a budget of 19 000) leaves the five survivors room for 11 665 of the 16 667
 * dropped; the first 100 000 storm (stop 28) brought back 11 661 and looked like a slow return.
 */
export function survivorsFor({ connections, gateways, killed }: Spread, budget: number): number | undefined {
  if (gateways < 2) return undefined;
  const perSurvivor =
    killed === undefined
      ? Math.ceil(connections / gateways)
      : Math.ceil((connections - killed) / (gateways - 1));
  return (gateways - 1) * Math.max(0, budget - perSurvivor);
}
