/** Liveness, readiness and Prometheus metrics. Public: keep them off the public internet at the proxy. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { errorBody } from '../schemas.ts';

export function healthRoutes(
  app: FastifyInstance,
  deps: {
    registry: Registry;
    readiness: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
  },
): void {
  const base = { tags: ['operations'] };

  app.get(
    '/healthz',
    {
      config: { auth: false },
      schema: {
        ...base,
        summary: 'Liveness: 200 while the process runs',
        response: {
          200: {
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', enum: ['ok'] } },
          },
        },
      },
    },
    async () => ({ status: 'ok' }),
  );

  const readyBody = {
    type: 'object',
    required: ['ready', 'checks'],
    properties: {
      ready: { type: 'boolean' },
      checks: { type: 'object', additionalProperties: { type: 'boolean' } },
    },
  } as const;
  app.get(
    '/readyz',
    {
      config: { auth: false },
      schema: {
        ...base,
        summary: 'Readiness: 200 when the store, broker and archive can take traffic, else 503',
        response: { 200: readyBody, 503: readyBody, 500: errorBody },
      },
    },
    async (_request, reply) => {
      const r = await deps.readiness().catch(() => ({ ready: false, checks: { readiness: false } }));
      return reply.code(r.ready ? 200 : 503).send(r);
    },
  );

  app.get(
    '/metrics',
    {
      config: { auth: false },
      schema: {
        ...base,
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: { type: 'string', description: 'Prometheus text format' } },
      },
    },
    async (_request, reply) => {
      const text = await deps.registry.metrics();
      return reply.type(deps.registry.contentType).send(text);
    },
  );
}
