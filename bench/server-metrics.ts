/**
 * What the gateways themselves measured over a phase, read from their `/metrics` (Prometheus text): the time from
 * a send frame's arrival in the gateway to its ack (`lightstick_send_to_ack_seconds`, a histogram: the phase's
 * share is the difference of two scrapes) and the event loop's delay (`nodejs_eventloop_lag_*`, which prom-client
 * resets at each scrape, so a scrape at the phase's end covers the phase). A client's send-to-ack also holds the
 * time its frame waited in the kernel for the gateway to get a core and read it, and the ack's way back; set beside
 * these, a run shows how much of a late ack is the gateway's own work (fan-out slices, Redis) and how much the
 * machine's scheduler.
 */
import { metricSamples } from '../packages/server/test/support/cluster.ts';

/** Cumulative bucket counts of one histogram, by upper bound (seconds; +Inf last). */
export type Buckets = Map<number, number>;

export interface GatewayMetrics {
  sendToAck: Buckets;
  loopLagP99S: number;
  loopLagMaxS: number;
}

const LE = /[{,]le="([^"]+)"/;

/** Parses the figures above from one scrape; a figure missing from it reads as empty or 0. */
export function parseGatewayMetrics(text: string): GatewayMetrics {
  const sendToAck: Buckets = new Map();
  let loopLagP99S = 0;
  let loopLagMaxS = 0;
  for (const { name, labels, value } of metricSamples(text)) {
    if (name === 'lightstick_send_to_ack_seconds_bucket') {
      const le = LE.exec(labels)?.[1];
      if (le !== undefined) sendToAck.set(le === '+Inf' ? Infinity : Number(le), value);
    } else if (name === 'nodejs_eventloop_lag_p99_seconds') loopLagP99S = value;
    else if (name === 'nodejs_eventloop_lag_max_seconds') loopLagMaxS = value;
  }
  return { sendToAck, loopLagP99S, loopLagMaxS };
}

/** Scrapes every gateway (undefined for one that does not answer within 10 s, e.g. killed). */
export async function scrape(baseUrls: readonly string[]): Promise<(GatewayMetrics | undefined)[]> {
  return Promise.all(
    baseUrls.map(async (url) => {
      try {
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
        return res.ok ? parseGatewayMetrics(await res.text()) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
}

/**
 * The upper bound (ms) of the bucket holding the p-th percentile of what all gateways observed between two
 * scrapes (a histogram tells no finer); undefined when nothing was observed.
 */
export function percentileBetween(
  before: readonly (GatewayMetrics | undefined)[],
  after: readonly (GatewayMetrics | undefined)[],
  p: number,
): number | undefined {
  const delta = new Map<number, number>();
  after.forEach((a, i) => {
    const b = before[i];
    if (a === undefined || b === undefined) return;
    for (const [le, n] of a.sendToAck) delta.set(le, (delta.get(le) ?? 0) + n - (b.sendToAck.get(le) ?? 0));
  });
  const bounds = [...delta.keys()].sort((x, y) => x - y);
  const total = delta.get(Infinity) ?? 0;
  if (total <= 0) return undefined;
  for (const le of bounds)
    if (delta.get(le)! >= (p / 100) * total) return le === Infinity ? Infinity : le * 1000;
  return undefined;
}
