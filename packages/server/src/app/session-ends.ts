/**
 * SessionEnds for this deployment: a revoked sign-in goes into the RevocationList (its access tokens stop on
 * every HTTP request and WebSocket `auth`, in every process) and a `session.revoked` control message makes
 * every gateway close its live sockets (gateway/session-revocation.ts). Recently revoked sign-ins are loaded
 * into the list at start, so a restarted process still refuses their access tokens.
 */
import type { Broker } from '../broker/broker.ts';
import type { RevocationList, SessionEnds } from '../auth/session-ends.ts';
import { sendControl } from '../gateway/control.ts';
import '../gateway/session-revocation.ts';
import type { Logger } from '../observability/logger.ts';
import type { Runtime } from '../runtime.ts';
import type { SessionsRepo } from '../storage/repositories.ts';
import { securityEvent } from '../observability/security-events.ts';

export function sessionEnds(deps: {
  revocations: RevocationList;
  broker: Pick<Broker, 'control'>;
  logger: Logger;
}): SessionEnds {
  return {
    async ended({ sessionIds, userId, reason }) {
      if (sessionIds.length === 0) return;
      await deps.revocations.add(sessionIds);
      securityEvent(deps.logger, 'session_ended', { userId, reason, sessions: sessionIds.length });
      try {
        await sendControl(deps.broker, 'session.revoked', { sessionIds });
      } catch (err) {
        // The sockets still fail their next auth and their token's expiry; the revocation itself stands.
        deps.logger.warn({ err }, 'could not tell the gateways to close revoked sessions');
      }
    },
  };
}

/** Loads the sign-ins revoked within the revocation TTL into the list (a restart must not forget a logout). */
export async function seedRevocations(
  list: RevocationList,
  sessions: Pick<SessionsRepo, 'revokedSince'>,
  runtime: Runtime,
  ttlMs: number,
): Promise<void> {
  const ids = await sessions.revokedSince(runtime.now() - ttlMs);
  if (ids.length > 0) await list.add(ids);
}
