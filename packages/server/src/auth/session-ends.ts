/**
 * Ending sign-ins everywhere at once (issue 8). Revoking a sign-in in the store stops its refresh tokens; its
 * access tokens carry its id (`sid`) and are checked against a RevocationList (a short-lived set: memory in
 * embedded mode, Redis in scale-out mode) by every HTTP request and WebSocket `auth`, and every gateway closes
 * the sign-in's live sockets on a `session.revoked` control message. The composition root implements
 * `SessionEnds` with the two.
 */
import { AppError } from '../errors.ts';
import type { Principal, TokenVerifier } from './principal.ts';

export type SessionEndReason = 'logout' | 'logout_all' | 'password_changed' | 'refresh_reused' | 'admin';

export interface SessionEnds {
  /** The sign-ins were just revoked in the store: make their access tokens and sockets stop everywhere. */
  ended(e: { sessionIds: string[]; userId: string; reason: SessionEndReason }): Promise<void>;
}

/** Ids of revoked sign-ins, remembered as long as an access token of theirs can live. */
export interface RevocationList {
  add(sessionIds: string[]): Promise<void>;
  has(sessionId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Verifies a token (through `inner`, which may cache verified tokens) and then refuses it when its sign-in was
 * revoked. The revocation check runs on every verify, cache hits included.
 */
export class RevokingTokenVerifier implements TokenVerifier {
  constructor(
    private readonly inner: TokenVerifier,
    private readonly revoked: Pick<RevocationList, 'has'>,
  ) {}

  async verify(token: string): Promise<Principal> {
    const principal = await this.inner.verify(token);
    if (principal.sessionId !== undefined && (await this.revoked.has(principal.sessionId))) {
      throw new AppError('token_invalid', 'This sign-in was ended; sign in again');
    }
    return principal;
  }
}
