/** Readiness: the process can take traffic when its store answers, its broker delivers and the archive has room. */
import type { Services } from './services.ts';

export function createReadiness(services: Services, draining: () => boolean) {
  return async (): Promise<{ ready: boolean; checks: Record<string, boolean> }> => {
    const database = await services.store.ping().catch(() => false);
    const checks = {
      database,
      broker: services.broker.ready(),
      archive: services.messageLog.backlog() < services.config.archive.maxBacklog,
      accepting: !draining(),
    };
    return { ready: Object.values(checks).every(Boolean), checks };
  };
}
