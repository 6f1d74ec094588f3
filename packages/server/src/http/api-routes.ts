/**
 * The HTTP API (`api` role): the OpenAPI generator first (it collects every route registered after it), then
 * each route module, then the documents. app.ts imports this file only in processes with the api role.
 */
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from './app.ts';
import { asyncApiRoute } from './asyncapi.ts';
import { openApiRoute, registerOpenApi } from './openapi.ts';
import { authRoutes } from './routes/auth.ts';
import { communityRoutes } from './routes/communities.ts';
import { roomRoutes } from './routes/rooms.ts';
import { adminRoutes } from './routes/admin.ts';
import { liveRoutes } from './routes/lives.ts';
import { providerEventRoutes } from './routes/provider-events.ts';
import { moderationRoutes } from './routes/moderation.ts';
import { reportRoutes } from './routes/reports.ts';
import { filterRoutes } from './routes/filters.ts';
import { translationRoutes } from './routes/translation.ts';
import { platformRoutes } from './routes/platform.ts';

export async function registerApi(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  await registerOpenApi(app);
  authRoutes(app, deps.auth);
  communityRoutes(app, deps.communities);
  roomRoutes(app, deps.communities);
  adminRoutes(app, deps.tokens, deps.auth);
  if (deps.lives) liveRoutes(app, deps.lives);
  if (deps.liveEvents && deps.providers) {
    providerEventRoutes(app, {
      providers: deps.providers,
      events: deps.liveEvents,
      runtime: deps.services.runtime,
    });
  }
  moderationRoutes(app, deps.moderation);
  reportRoutes(app, deps.moderation);
  filterRoutes(app, deps.moderation);
  translationRoutes(app, deps.moderation);
  platformRoutes(app, deps.moderation);
  openApiRoute(app);
  asyncApiRoute(app);
}
