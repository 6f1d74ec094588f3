/**
 * How long an access token lives, read from its own `iat` and `exp` claims (a JWT). Both come from
 * the server's clock, so the difference is right however wrong the client's clock is; comparing
 * the server's `exp` with `Date.now()` is not. Undefined when the token is not a readable JWT.
 */
export function tokenLifetimeMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const b64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4))) as {
      iat?: unknown;
      exp?: unknown;
    };
    if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= claims.iat)
      return undefined;
    return (claims.exp - claims.iat) * 1000;
  } catch {
    return undefined;
  }
}
