/**
 * The HTTP face: a Fastify app over the services. JSON everywhere, a JSON Schema on every route (validation,
 * serialisation and /api/openapi.json), one error shape, bearer auth on /api, health and metrics, and the
 * built web app when this process has the web role. Request logs carry method, route and status only.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { AppError } from '../errors.ts';
import type { Services } from '../app/services.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { CommunityService } from '../chat/communities.ts';
import { registerAuth } from './auth-plugin.ts';
import { installErrorHandler, notFound, sendError } from './errors.ts';
import { openApiRoute, registerOpenApi } from './openapi.ts';
import { registerStatic, sendIndex, wantsSpaFallback } from './static.ts';
import { authRoutes } from './routes/auth.ts';
import { communityRoutes } from './routes/communities.ts';
import { roomRoutes } from './routes/rooms.ts';
import { adminRoutes } from './routes/admin.ts';
import { healthRoutes } from './routes/health.ts';

export interface HttpDeps {
  services: Services;
  auth: AuthService;
  tokens: TokenService;
  communities: CommunityService;
  /** Readiness of the whole process (db, broker, archive backlog); the lead supplies it. */
  readiness: () => Promise<{ ready: boolean; checks: Record<string, boolean> }>;
  /** Folder of the built web app to serve at / (SPA fallback to index.html for non-API GETs); undefined = no web role. */
  webDir?: string;
  /** Serve the HTTP API (`api` role); false leaves only health, metrics and the web app (a gateway-only process). */
  api?: boolean;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

export interface RouteEntry {
  method: string;
  url: string;
  /** Left out of the OpenAPI document (the document itself, static files). */
  hidden: boolean;
}
const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route the app registered (tests check each one is documented). */
export function registeredRoutes(app: FastifyInstance): readonly RouteEntry[] {
  return routeTables.get(app) ?? [];
}

export async function createHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { services } = deps;
  const app = Fastify({
    loggerInstance: services.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Fastify's own request lines would log the URL and headers; observeRequests logs a safe line instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's own 503 while closing has another body shape; refuseWhileClosing answers ours.
    return503OnClosing: false,
  });
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (r) => {
    const hidden = Boolean((r.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, hidden });
  });
  useValidators(app);
  emptyJsonIsNoBody(app);
  installErrorHandler(app, services);
  refuseWhileClosing(app);
  registerAuth(app, deps.tokens);
  observeRequests(app, services);
  await registerOpenApi(app);

  if (deps.api !== false) {
    authRoutes(app, deps.auth);
    communityRoutes(app, deps.communities);
    roomRoutes(app, deps.communities);
    adminRoutes(app, deps.tokens);
    openApiRoute(app);
  }
  healthRoutes(app, { registry: services.metrics.registry, readiness: deps.readiness });
  const web = deps.webDir !== undefined && (await registerStatic(app, deps.webDir));

  app.setNotFoundHandler((request, reply) => {
    if (web && wantsSpaFallback(request)) return sendIndex(reply);
    services.metrics.errors.inc({ code: 'not_found', surface: 'http' });
    return sendError(reply, notFound(request));
  });
  await app.ready();
  return app;
}

/**
 * Query strings and params are text, so they are coerced to the schema's types; bodies are JSON and are
 * not, so `{"username": 123}` is refused instead of quietly becoming "123".
 */
function useValidators(app: FastifyInstance): void {
  const make = (coerceTypes: boolean | 'array') => {
    const ajv = new Ajv({
      coerceTypes,
      useDefaults: true,
      removeAdditional: true,
      allErrors: false,
      strict: false,
    });
    addFormats.default(ajv);
    return ajv;
  };
  const bodyAjv = make(false);
  const textAjv = make('array');
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema),
  );
}

/** A POST with a JSON content type and no body (join, leave) is a request without a body, not bad JSON. */
function emptyJsonIsNoBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return parse(request, text, done);
  });
}

function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new AppError('unavailable', 'The server is shutting down; retry shortly');
  });
}

function observeRequests(app: FastifyInstance, services: Services): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'not_found' : (request.routeOptions.url ?? 'unknown');
    const status = reply.statusCode;
    services.metrics.httpRequests.inc({ route, status: String(status) });
    const line = { method: request.method, route, status, ms: Math.round(reply.elapsedTime) };
    if (status >= 500) request.log.error(line, 'request failed');
    else if (status >= 400) request.log.info(line, 'request refused');
    else request.log.debug(line, 'request');
  });
}
