/**
 * What /readyz answers, as every reader of it takes it: the route on the Fastify app (http/routes/health.ts), the
 * route on a gateway-only process's plain front (http/gateway-front.ts) and the readiness gauges read at scrape
 * time (metrics.ts). app/readiness.ts builds the process's probe.
 */
export type ReadinessProbe = () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;

/** Reads the probe; a read that fails is an answer too: not ready, the failed check being the read itself. */
export function readReadiness(probe: ReadinessProbe): ReturnType<ReadinessProbe> {
  return probe().catch(() => ({ ready: false, checks: { readiness: false } }));
}
