/**
 * Closes the live sockets of revoked sign-ins on this gateway (issue 8). The api process that revokes a
 * sign-in (logout, logout everywhere, password change, refresh reuse, an admin) sends `session.revoked`
 * through the broker to every node; here each node closes its sockets of those sign-ins with an error frame
 * `token_invalid` and close code 4003 (AuthFailed: do not retry with that token).
 */
import { CloseCode } from '@lightstick/protocol';
import type { Gateway } from './gateway.ts';

declare module './control.ts' {
  interface ControlTypes {
    'session.revoked': { sessionIds: string[] };
  }
}

/** `heard`: told the revoked ids too (scale-out mode: the gateway's revocation cache, app/revocation-cache.ts). */
export function closeRevokedSessions(
  gateway: Pick<Gateway, 'control' | 'closeWhere'>,
  heard?: (sessionIds: string[]) => void,
): () => void {
  return gateway.control.on('session.revoked', ({ sessionIds }) => {
    if (!Array.isArray(sessionIds)) return;
    heard?.(sessionIds);
    const ids = new Set(sessionIds);
    gateway.closeWhere((p) => p.sessionId !== undefined && ids.has(p.sessionId), {
      code: CloseCode.AuthFailed,
      error: 'token_invalid',
      message: 'This sign-in was ended; sign in again',
    });
  });
}
