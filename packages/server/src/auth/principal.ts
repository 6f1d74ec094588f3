/** The verified identity behind a request or connection. */
export interface Principal {
  userId: string;
  name: string;
  displayName: string;
  admin: boolean;
  /** Access token expiry, ms since the epoch. */
  expiresAt: number;
  /** The sign-in the token belongs to (`sid` claim); revoked sign-ins stop verifying (issue 8). */
  sessionId?: string;
}

/** Verifies access tokens: signature (by kid), expiry, issuer and audience. */
export interface TokenVerifier {
  /** Throws AppError('token_expired') or AppError('token_invalid'). */
  verify(token: string): Promise<Principal>;
}
