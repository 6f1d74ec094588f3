/**
 * The metrics port (LIGHTSTICK_METRICS_PORT, issue 8 item 15): `/metrics` (the process's Prometheus registry)
 * and `/healthz` on a listener of their own, so the public port, and whatever proxy or Ingress sits in front of
 * it, never serves metrics. Plain node:http rather than a second Fastify app: two fixed GET routes need no
 * router, validation or plugins, and nothing of the public app's hooks (auth, CSP, request logs) applies.
 * Anything else answers 404 `not_found` in the usual JSON error shape.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.ts';
import { sendJson, sendJsonError, sendMetrics } from './plain-answers.ts';
import { closerOf, listenOn, withDate } from './node-server.ts';

export interface MetricsListener {
  /** The port it listens on (the configured one, or the one the system picked for 0). */
  port: number;
  /** Stops accepting and closes idle keep-alive connections; resolves when the last request is answered. */
  close(): Promise<void>;
}

/** A scrape is a few kilobytes of text: anything slower than this is not Prometheus. */
const REQUEST_TIMEOUT_MS = 10_000;

export async function startMetricsListener(opts: {
  registry: Registry;
  host: string;
  port: number;
  logger: Logger;
}): Promise<MetricsListener> {
  const log = opts.logger.child({ component: 'metrics' });
  const server = createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS },
    withDate((req, res) => {
      answer(req, res, opts.registry).catch((err: unknown) => {
        log.error({ err }, 'metrics scrape failed');
        if (!res.headersSent) {
          sendJsonError(res, 500, { code: 'internal', message: 'Metrics could not be read' });
        } else res.destroy();
      });
    }),
  );
  // Prometheus keeps its connection open between scrapes (every 15 s or so): outlast that interval.
  server.keepAliveTimeout = 65_000;
  await listenOn(server, { port: opts.port, host: opts.host });
  return { port: (server.address() as AddressInfo).port, close: closerOf(server) };
}

async function answer(req: IncomingMessage, res: ServerResponse, registry: Registry): Promise<void> {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (read && pathname === '/metrics') return sendMetrics(res, registry);
  if (read && pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
  return sendJsonError(res, 404, { code: 'not_found', message: `No route for ${req.method} ${pathname}` });
}
