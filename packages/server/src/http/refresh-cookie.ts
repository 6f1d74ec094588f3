/**
 * The refresh token as a cookie (issue 8), so the web app need not keep it in `localStorage`: sign-in,
 * sign-up and refresh answers also set `ls_refresh` (HttpOnly, Secure, SameSite=Strict, Path=/api/auth), and
 * refresh and logout accept the token from that cookie when the body has none. CSRF: a request that relies on
 * the cookie must carry `X-Lightstick-CSRF: 1`, a header a cross-site form cannot send and cross-site scripts
 * cannot add without a CORS preflight (which this server never grants); SameSite=Strict is the second fence.
 * The body field stays, so existing clients keep working. A client that sends the CSRF header on sign-in and
 * refresh (a cookie-mode client) gets an empty `refreshToken` in the answer: the cookie is its only copy, so a
 * script injected into the page can use the sign-in while the page is open but never carry the token away.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import type { AuthResponse } from '@lightstick/protocol';
import { AppError } from '../errors.ts';

export const REFRESH_COOKIE = 'ls_refresh';
export const CSRF_HEADER = 'x-lightstick-csrf';
const PATH = '/api/auth';

export async function registerRefreshCookie(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
}

function setRefreshCookie(reply: FastifyReply, token: string, maxAgeSec: number): void {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: PATH,
    maxAge: maxAgeSec,
  });
}

/** Sets the cookie for a sign-in answer; a cookie-mode client's answer carries no refresh token. */
export function withRefreshCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: AuthResponse,
  maxAgeSec: number,
): AuthResponse {
  setRefreshCookie(reply, answer.refreshToken, maxAgeSec);
  return request.headers[CSRF_HEADER] === '1' ? { ...answer, refreshToken: '' } : answer;
}

export function clearRefreshCookie(reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: PATH });
}

/** The refresh token of a refresh or logout: the body's, else the cookie's (which needs the CSRF header). */
export function refreshTokenOf(request: FastifyRequest, body: { refreshToken?: string } | undefined): string {
  if (body?.refreshToken !== undefined) return body.refreshToken;
  const fromCookie = request.cookies[REFRESH_COOKIE];
  if (fromCookie === undefined || fromCookie === '') {
    throw new AppError('validation_failed', 'Send { refreshToken } or the sign-in cookie', {
      details: { field: 'refreshToken' },
    });
  }
  if (request.headers[CSRF_HEADER] !== '1') {
    throw new AppError('forbidden', `A refresh by cookie needs the header ${CSRF_HEADER}: 1`);
  }
  return fromCookie;
}
