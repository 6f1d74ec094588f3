/**
 * OpenAPI 3.1 document generated from the route schemas by @fastify/swagger, served at /api/openapi.json.
 * Register before the routes so every route is collected.
 */
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { HttpError } from '@lightstick/protocol';

export const API_VERSION = '0.1.0';

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lightstick',
        version: API_VERSION,
        description:
          'HTTP API of Lightstick. Errors always answer `{ error: { code, message, details? } }` with a stable code ' +
          '(docs/errors.md). Real-time chat runs over the WebSocket at /ws (docs/protocol.md).',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RS256)' },
        },
        schemas: { Error: HttpError },
      },
      tags: [
        { name: 'auth', description: 'Accounts and tokens' },
        { name: 'communities', description: 'Communities, memberships and their rooms' },
        { name: 'rooms', description: 'Rooms and their message archive' },
        { name: 'lives', description: 'Live video: lives, playback, provider webhooks, local HLS' },
        {
          name: 'moderation',
          description: 'Room modes, deletions, pins, timeouts, bans, reports, filters, audit',
        },
        { name: 'admin', description: 'Platform administration' },
        { name: 'operations', description: 'Health, readiness and metrics' },
      ],
    },
  });
}

export function openApiRoute(app: FastifyInstance): void {
  app.get('/api/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
}
