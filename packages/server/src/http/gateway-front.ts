/**
 * The public port of a gateway-only process (`--role gateway`): the WebSocket upgrade at /ws (wired by
 * app/server.ts), `/healthz`, `/readyz` and `/metrics` (404 when LIGHTSTICK_METRICS_PORT moves it), and a 404
 * `not_found` in the usual JSON shape for anything else, as the Fastify app answers them in the other roles.
 * Plain node:http rather than Fastify because a gateway serves three fixed GET routes and no API: Fastify and
 * what it loads (router, validators, serialisers, helmet) held ~4 MB of every idle gateway's private memory,
 * 26.5-27.6 MB against 22.9-23.8 MB without (issue 6: idle RSS of a gateway; docs/benchmarks.md "Stop 27").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../services.ts';
import { readReadiness, type ReadinessProbe } from '../observability/readiness-probe.ts';
import type { HttpFront } from './front.ts';
import { closerOf, createPublicServer, listenOn } from './node-server.ts';
import { sendJson, sendJsonError, sendMetrics } from './plain-answers.ts';

export interface GatewayFrontDeps {
  services: Pick<Services, 'metrics' | 'logger'> & {
    config?: Pick<Services['config'], 'security' | 'metrics'>;
  };
  /** Readiness of the whole process (store, broker); the server supplies it. */
  readiness: ReadinessProbe;
}

type Route = (res: ServerResponse) => Promise<void> | void;

export function createGatewayFront(deps: GatewayFrontDeps): HttpFront {
  const { metrics, logger } = deps.services;
  const log = logger.child({ component: 'http' });
  const routes = new Map<string, Route>([
    ['/healthz', (res) => sendJson(res, 200, { status: 'ok' })],
    [
      '/readyz',
      async (res) => {
        const r = await readReadiness(deps.readiness);
        sendJson(res, r.ready ? 200 : 503, r);
      },
    ],
  ]);
  // With a metrics port, the public port does not tell that metrics exist elsewhere: 404 like any unknown path.
  if (deps.services.config?.metrics?.port === undefined) {
    routes.set('/metrics', (res) => sendMetrics(res, metrics.registry));
  }
  let closing = false;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const route = req.method === 'GET' || req.method === 'HEAD' ? routes.get(pathname) : undefined;
    if (closing) {
      // The connection closes after this answer: the client reconnects to a gateway that is not leaving.
      res.setHeader('connection', 'close');
      metrics.errors.inc({ code: 'unavailable', surface: 'http' });
      sendJsonError(res, 503, {
        code: 'unavailable',
        message: 'The server is shutting down; retry shortly',
      });
      return route ? pathname : 'not_found';
    }
    if (!route) {
      metrics.errors.inc({ code: 'not_found', surface: 'http' });
      sendJsonError(res, 404, { code: 'not_found', message: `No route for ${req.method} ${pathname}` });
      return 'not_found';
    }
    await route(res);
    return pathname;
  };

  const server = createPublicServer(deps.services.config?.security, (req, res) => {
    const started = performance.now();
    const done = (route: string) => {
      const status = res.statusCode;
      metrics.httpRequests.inc({ route, status: String(status) });
      const line = { method: req.method, route, status, ms: Math.round(performance.now() - started) };
      if (status >= 500) log.error(line, 'request failed');
      else if (status >= 400) log.info(line, 'request refused');
      else log.debug(line, 'request');
    };
    answer(req, res).then(done, (err: unknown) => {
      // The stack goes to the log, never to the client.
      log.error({ err }, 'unhandled error');
      metrics.errors.inc({ code: 'internal', surface: 'http' });
      if (res.headersSent) res.destroy();
      else sendJsonError(res, 500, { code: 'internal', message: 'Something went wrong on our side' });
      done('unknown');
    });
  });

  const closeServer = closerOf(server);
  return {
    server,
    listen: (opts) => listenOn(server, opts),
    close() {
      closing = true;
      return closeServer();
    },
  };
}
