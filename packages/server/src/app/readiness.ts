/**
 * Readiness per role. Every process: not draining, and room for more sockets. Embedded mode: the store answers,
 * the broker delivers and the group-commit queue has room. Scale-out mode: a gateway needs Redis (broker) and
 * room under the archive bound (sends are refused past it), but not PostgreSQL, which is off its send path; an
 * api process needs PostgreSQL and, when it runs the archiver, archive writes that succeed.
 *
 * Room for sockets (`sockets`): a process holds at most its socket budget (`maxConnections`, set from the
 * open-file limit, app/workers.ts) and resets every connection past it. When a gateway dies, its clients come
 * back through the load balancer; one that still sends them to a full survivor has them reset and retried.
 * So a process at SOCKETS_FULL_AT of its budget answers not ready, and the orchestrator sends new connections
 * to the others (the sockets it holds stay); ready again at SOCKETS_ROOM_AT, so a count that hovers at the line
 * does not flap. The `storm` benchmark found survivors at their budget (docs/benchmarks.md, "Stop 28").
 */
import type { Archiver } from '../chat/archiver.ts';
import type { Services } from '../services.ts';
import type { ReadinessProbe } from '../observability/readiness-probe.ts';

export interface ReadinessDeps {
  services: Services;
  mode: 'embedded' | 'scale-out';
  draining: () => boolean;
  /** Messages waiting for the archive, read now. */
  backlog: () => Promise<number>;
  archiver?: Archiver | undefined;
  /** The local provider's RTMP ingest, in a process with the media role. */
  media?: { ready(): boolean };
  /** The public port's open sockets and the most it takes (`maxConnections`: unbounded when not a number). */
  sockets?: () => Promise<{ open: number; max: number | undefined }>;
}

/** Share of the socket budget at which a process answers not ready, and the share it must fall to again. */
export const SOCKETS_FULL_AT = 0.98;
export const SOCKETS_ROOM_AT = 0.95;

export type Readiness = ReadinessProbe;

export function createReadiness(deps: ReadinessDeps): Readiness {
  const { services, mode, archiver } = deps;
  const roles = services.config.roles;
  const gateway = roles.has('gateway');
  const api = roles.has('api');
  const bound = services.config.archive.maxBacklog;
  let full = false;
  const socketRoom = async (): Promise<boolean | undefined> => {
    const use = await deps.sockets?.();
    if (use === undefined || use.max === undefined || !Number.isFinite(use.max)) return undefined;
    full = full ? use.open > SOCKETS_ROOM_AT * use.max : use.open >= SOCKETS_FULL_AT * use.max;
    return !full;
  };
  return async () => {
    const checks: Record<string, boolean> = { accepting: !deps.draining() };
    const room = await socketRoom().catch(() => undefined);
    if (room !== undefined) checks.sockets = room;
    if (mode === 'embedded' || api) {
      checks.database = await services.store.ping().catch(() => false);
    }
    if (mode === 'embedded' || gateway) {
      checks.broker = services.broker.ready();
      checks.archive = (await deps.backlog().catch(() => Number.POSITIVE_INFINITY)) < bound;
    }
    if (archiver !== undefined) checks.archiver = archiver.healthy();
    if (deps.media !== undefined) {
      checks.rtmp = deps.media.ready();
      checks.database ??= await services.store.ping().catch(() => false);
    }
    return { ready: Object.values(checks).every(Boolean), checks };
  };
}
