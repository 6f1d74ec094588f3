/**
 * Security headers on every answer (issue 8), set on onRequest so error answers carry them too: a strict
 * Content-Security-Policy (scripts only from this origin, no inline script; video and its playlists may come
 * from the providers' https hosts), `frame-ancestors 'none'`, `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer` and the rest of helmet's defaults; `Cache-Control: no-store` on every /api
 * answer (tokens, accounts, messages). A `text/plain` body is not JSON: it answers `400 bad_request` like form
 * and XML bodies (docs/http-api.md), instead of reaching validation as a string.
 */
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // Styles may be set inline by the app's own script (CSSOM); scripts may not.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:', 'https:'],
  mediaSrc: ["'self'", 'blob:', 'https:'],
  // The API and the WebSocket of this origin; HLS playlists and segments from the video providers.
  connectSrc: ["'self'", 'https:', 'wss:'],
  workerSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
} as const;

export async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { ...CONTENT_SECURITY_POLICY, upgradeInsecureRequests: null },
    },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS is the TLS-terminating proxy's to send (the Ingress); a plain-HTTP dev server must not pin it.
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
  app.removeContentTypeParser('text/plain');
}
