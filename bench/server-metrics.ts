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
  /** `lightstick_commit_seconds`: the send's one Redis call (append and publish), part of `sendToAck`. */
  commit: Buckets;
  /**
   * `lightstick_send_to_deliver_seconds`: from a send's arrival in its gateway to that gateway's pass having
   * written the message to every local member (the kernel has it). Beside a client's fan latency, the server's
   * share of it; the rest is the sockets' queues and the clients reading.
   */
  deliver: Buckets;
  /** `lightstick_fanout_frames_total` and `lightstick_messages_delivered_total` (counters). */
  framesWritten: number;
  messagesDelivered: number;
  /** The pacer's interval at the gateway's last flush and the governor's budget, when scraped (gauges). */
  intervalS: number;
  budgetFps: number;
  /** The share of the last governor period the fan-out writer was busy (`lightstick_fanout_busy_ratio`). */
  writerBusy: number;
  loopLagP99S: number;
  loopLagMaxS: number;
  /**
   * `nodejs_gc_duration_seconds` (prom-client, every kind together; cumulative): seconds spent in collections,
   * and how many paused longer than 100 ms (its bucket bounds are 1, 10 and 100 ms, 1, 2 and 5 s). Beside
   * `loopLagMaxS`, whether a gateway's longest stall was a collection.
   */
  gcS: number;
  gcOver100ms: number;
  /** How long the gateway took to answer this scrape, ms (0 where parsed from text alone). */
  scrapeMs: number;
}

const LE = /[{,]le="([^"]+)"/;

/** Parses the figures above from one scrape; a figure missing from it reads as empty or 0. */
export function parseGatewayMetrics(text: string): GatewayMetrics {
  const sendToAck: Buckets = new Map();
  const commit: Buckets = new Map();
  const deliver: Buckets = new Map();
  let framesWritten = 0;
  let messagesDelivered = 0;
  let intervalS = 0;
  let budgetFps = 0;
  let writerBusy = 0;
  let loopLagP99S = 0;
  let loopLagMaxS = 0;
  let gcS = 0;
  let gcCount = 0;
  let gcUpTo100ms = 0;
  for (const { name, labels, value } of metricSamples(text)) {
    const into =
      name === 'lightstick_send_to_ack_seconds_bucket'
        ? sendToAck
        : name === 'lightstick_commit_seconds_bucket'
          ? commit
          : name === 'lightstick_send_to_deliver_seconds_bucket'
            ? deliver
            : undefined;
    if (into !== undefined) {
      const le = LE.exec(labels)?.[1];
      if (le !== undefined) into.set(le === '+Inf' ? Infinity : Number(le), value);
    } else if (name === 'lightstick_fanout_frames_total') framesWritten = value;
    else if (name === 'lightstick_messages_delivered_total') messagesDelivered = value;
    else if (name === 'lightstick_fanout_interval_seconds') intervalS = value;
    else if (name === 'lightstick_fanout_budget_frames_per_second') budgetFps = value;
    else if (name === 'lightstick_fanout_busy_ratio') writerBusy = value;
    else if (name === 'nodejs_eventloop_lag_p99_seconds') loopLagP99S = value;
    else if (name === 'nodejs_eventloop_lag_max_seconds') loopLagMaxS = value;
    else if (name === 'nodejs_gc_duration_seconds_sum') gcS += value;
    else if (name === 'nodejs_gc_duration_seconds_count') gcCount += value;
    else if (name === 'nodejs_gc_duration_seconds_bucket' && LE.exec(labels)?.[1] === '0.1')
      gcUpTo100ms += value;
  }
  return {
    sendToAck,
    commit,
    deliver,
    framesWritten,
    messagesDelivered,
    intervalS,
    budgetFps,
    writerBusy,
    loopLagP99S,
    loopLagMaxS,
    gcS,
    gcOver100ms: gcCount - gcUpTo100ms,
    scrapeMs: 0,
  };
}

/** Scrapes every gateway (undefined for one that does not answer within 10 s, e.g. killed). */
export async function scrape(baseUrls: readonly string[]): Promise<(GatewayMetrics | undefined)[]> {
  return Promise.all(
    baseUrls.map(async (url) => {
      try {
        const from = performance.now();
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
        if (!res.ok) return undefined;
        const text = await res.text();
        return { ...parseGatewayMetrics(text), scrapeMs: performance.now() - from };
      } catch {
        return undefined;
      }
    }),
  );
}

/**
 * The upper bound (ms) of the bucket holding the p-th percentile of what all gateways observed between two
 * scrapes (a histogram tells no finer); undefined when nothing was observed. Past the top finite bucket it is
 * the string `>N` (N that bound, ms): returned as Infinity it went into the JSON line as `null`, the same as
 * nothing observed, and stop 32's 100 000 runs read as if the gateways had acknowledged nothing.
 */
export function percentileBetween(
  before: readonly (GatewayMetrics | undefined)[],
  after: readonly (GatewayMetrics | undefined)[],
  p: number,
  histogram: 'sendToAck' | 'commit' | 'deliver' = 'sendToAck',
): number | string | undefined {
  const delta = new Map<number, number>();
  after.forEach((a, i) => {
    const b = before[i];
    if (a === undefined || b === undefined) return;
    for (const [le, n] of a[histogram]) delta.set(le, (delta.get(le) ?? 0) + n - (b[histogram].get(le) ?? 0));
  });
  const bounds = [...delta.keys()].sort((x, y) => x - y);
  const total = delta.get(Infinity) ?? 0;
  if (total <= 0) return undefined;
  for (const le of bounds)
    if (delta.get(le)! >= (p / 100) * total)
      return le === Infinity ? `>${Math.max(0, ...bounds.filter(Number.isFinite)) * 1000}` : le * 1000;
  return undefined;
}

/**
 * The pacing curve over a phase (issue 6: the interval against the load): frames the gateways' fan-out wrote
 * per viewer per second, messages per frame, and the pacer's interval and the governor's budget when the phase
 * ended (the lowest and highest gateway's). Undefined when a gateway did not answer either scrape.
 */
export function pacingBetween(
  before: readonly (GatewayMetrics | undefined)[],
  after: readonly (GatewayMetrics | undefined)[],
  viewers: number,
  seconds: number,
):
  | {
      framesPerViewerS: number;
      msgsPerFrame: number;
      intervalMs: [number, number];
      budgetFps: [number, number];
      writerBusy: [number, number];
    }
  | undefined {
  if (after.length === 0 || after.some((a, i) => a === undefined || before[i] === undefined))
    return undefined;
  const now = after as GatewayMetrics[];
  const then = before as GatewayMetrics[];
  const frames = now.reduce((n, a, i) => n + a.framesWritten - then[i]!.framesWritten, 0);
  const delivered = now.reduce((n, a, i) => n + a.messagesDelivered - then[i]!.messagesDelivered, 0);
  const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)];
  return {
    framesPerViewerS: frames / Math.max(1, viewers) / Math.max(1e-3, seconds),
    msgsPerFrame: frames > 0 ? delivered / frames : 0,
    intervalMs: range(now.map((a) => a.intervalS * 1000)),
    budgetFps: range(now.map((a) => a.budgetFps)),
    writerBusy: range(now.map((a) => a.writerBusy)),
  };
}

/**
 * The gateways' garbage collection between two scrapes: `gatewayGcMs`, the most any one gateway spent collecting,
 * and `gatewayGcOver100ms`, how many collections in all of them paused longer than 100 ms (beside
 * `gatewayLoopLagMaxMs`: was the longest stall a collection?). Empty when no gateway answered both scrapes.
 */
export function gcBetween(
  before: readonly (GatewayMetrics | undefined)[],
  after: readonly (GatewayMetrics | undefined)[],
): { gatewayGcMs?: number; gatewayGcOver100ms?: number } {
  const pairs = after.flatMap((a, i) => {
    const b = before[i];
    return a && b ? [[b, a] as const] : [];
  });
  if (pairs.length === 0) return {};
  return {
    gatewayGcMs: Math.round(1000 * Math.max(...pairs.map(([b, a]) => a.gcS - b.gcS))),
    gatewayGcOver100ms: pairs.reduce((n, [b, a]) => n + a.gcOver100ms - b.gcOver100ms, 0),
  };
}
