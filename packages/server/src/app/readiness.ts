/**
 * Readiness per role. Every process: not draining. Embedded mode: the store answers, the broker delivers and
 * the group-commit queue has room. Scale-out mode: a gateway needs Redis (broker) and room under the archive
 * bound (sends are refused past it), but not PostgreSQL, which is off its send path; an api process needs
 * PostgreSQL and, when it runs the archiver, archive writes that succeed.
 */
import type { Archiver } from '../chat/archiver.ts';
import type { Services } from '../services.ts';

export interface ReadinessDeps {
  services: Services;
  mode: 'embedded' | 'scale-out';
  draining: () => boolean;
  /** Messages waiting for the archive, read now. */
  backlog: () => Promise<number>;
  archiver?: Archiver | undefined;
  /** The local provider's RTMP ingest, in a process with the media role. */
  media?: { ready(): boolean };
}

export type Readiness = () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;

export function createReadiness(deps: ReadinessDeps): Readiness {
  const { services, mode, archiver } = deps;
  const roles = services.config.roles;
  const gateway = roles.has('gateway');
  const api = roles.has('api');
  const bound = services.config.archive.maxBacklog;
  return async () => {
    const checks: Record<string, boolean> = { accepting: !deps.draining() };
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
