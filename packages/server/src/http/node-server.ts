/**
 * The public port's node:http server, one definition for both faces that serve it (the Fastify app of the api,
 * web and media roles, and the plain front of a gateway-only process): a request trickled in (slowloris) or left
 * half-open is dropped, 408 and then the socket closes. Node checks these timeouts every
 * connectionsCheckingInterval (30 s by default), so the check runs every second. Also how the plain listeners
 * (the gateway front and the metrics port) start and stop.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { ListenOptions } from 'node:net';
import type { SecurityConfig } from '../config/security.ts';
import { httpDateNow } from '../utc-time.ts';

/**
 * Longer than the 60 s idle timeout of the usual load balancers in front (AWS ALB, nginx), so the balancer closes
 * an idle connection first and never sends a request into one this server is closing.
 */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

export function createPublicServer(
  security: Pick<SecurityConfig, 'httpRequestTimeoutMs' | 'httpHeadersTimeoutMs'> | undefined,
  handler: RequestListener,
): Server {
  const server = createServer(
    {
      requestTimeout: security?.httpRequestTimeoutMs ?? 30_000,
      headersTimeout: security?.httpHeadersTimeoutMs ?? 10_000,
      connectionsCheckingInterval: 1000,
    },
    withDate(handler),
  );
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}

/**
 * Every answer carries the `Date` header RFC 9110 asks of a server with a clock, made by utc-time.ts rather than
 * by Node, whose `toUTCString` maps ICU's time-zone data into the process (an idle gateway answers `/readyz`).
 */
export function withDate(handler: RequestListener): RequestListener {
  return (req, res) => {
    res.sendDate = false;
    res.setHeader('date', httpDateNow());
    handler(req, res);
  };
}

/** Listens; a listen that fails (a port that is taken) rejects instead of emitting `error`. */
export function listenOn(server: Server, opts: ListenOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * A close that runs once however often it is called: stops accepting, ends idle keep-alive connections, and
 * resolves when the last connection has ended (at once for a server that never listened).
 */
export function closerOf(server: Server): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return () =>
    (closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }));
}
