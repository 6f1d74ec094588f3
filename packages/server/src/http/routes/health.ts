/**
 * Liveness, readiness and Prometheus metrics on the public port. With a metrics port configured
 * (LIGHTSTICK_METRICS_PORT, http/metrics-listener.ts) `/metrics` answers here as a route that does not exist,
 * 404 `not_found`: registered rather than left out, so the web app's fallback never answers it with the page.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import { Health, HttpError, MetricsText, Readiness } from '@lightstick/protocol';
import { AppError } from '../../errors.ts';
import { readReadiness, type ReadinessProbe } from '../../observability/readiness-probe.ts';

export function healthRoutes(
  fastify: FastifyInstance,
  deps: {
    registry: Registry;
    readiness: ReadinessProbe;
    /** `/metrics` is served on a port of its own: here it is not found. */
    metricsElsewhere?: boolean;
  },
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = { tags: ['operations'] };

  app.get(
    '/healthz',
    {
      config: { auth: false },
      schema: {
        ...base,
        summary: 'Liveness: 200 while the process runs',
        response: { 200: Health },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: false },
      schema: {
        ...base,
        summary:
          'Readiness: 200 when the store, broker and archive can take traffic and sockets have room, else 503',
        response: { 200: Readiness, 503: Readiness, 500: HttpError },
      },
    },
    async (_request, reply) => {
      const r = await readReadiness(deps.readiness);
      return reply.code(r.ready ? 200 : 503).send(r);
    },
  );

  if (deps.metricsElsewhere) {
    app.get('/metrics', { config: { auth: false }, schema: { hide: true } }, async (request) => {
      // The same answer as any unknown route: the public port does not tell that metrics exist elsewhere.
      throw new AppError('not_found', `No route for ${request.method} /metrics`);
    });
    return;
  }

  app.get(
    '/metrics',
    {
      config: { auth: false },
      schema: {
        ...base,
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: MetricsText },
      },
    },
    async (_request, reply) => {
      const text = await deps.registry.metrics();
      return reply.type(deps.registry.contentType).send(text);
    },
  );
}
