/**
 * Bearer authentication: every /api route needs `Authorization: Bearer <access token>` unless its config says
 * `{ auth: false }`; routes outside /api (health, metrics, the web app) are public. Runs on onRequest, before
 * the body is read, so anonymous callers cost little and learn nothing about the route's schema.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { Principal, TokenVerifier } from '../auth/principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** false: the route is public (login, health...). Default true. */
    auth?: boolean;
  }
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9_.~+/=-]+)[ ]*$/i;
const MAX_TOKEN_CHARS = 4096;

export function registerAuth(app: FastifyInstance, tokens: TokenVerifier): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (request.is404 || !url?.startsWith('/api/') || request.routeOptions.config.auth === false) return;
    request.principal = await tokens.verify(bearerToken(request));
  });
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new AppError('unauthenticated', 'Sign in: send Authorization: Bearer <access token>');
  const m = header.length <= MAX_TOKEN_CHARS ? BEARER.exec(header) : null;
  if (!m?.[1]) throw new AppError('token_invalid', 'The Authorization header is not a Bearer token');
  return m[1];
}

/** The principal of an authenticated route (the hook guarantees it). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in first');
  return request.principal;
}
