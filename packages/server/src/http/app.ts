/**
 * The HTTP face: a Fastify app over the services. JSON everywhere, a JSON Schema on every route (validation,
 * serialisation and /api/openapi.json), one error shape, bearer auth on /api, health and metrics, and the
 * built web app when this process has the web role. Request logs carry method, route and status only. A
 * gateway-only process does not load it (gateway-front.ts).
 */
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger } from 'fastify';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { AppError } from '../errors.ts';
import type { Services } from '../services.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { TokenVerifier } from '../auth/principal.ts';
import type { CommunityService } from '../chat/communities.ts';
import type { ModerationServices } from '../moderation/moderation-services.ts';
import { registerAuth } from './auth-plugin.ts';
import { securityHeaders } from './security-headers.ts';
import { registerRefreshCookie } from './refresh-cookie.ts';
import { trustProxyFn } from '../config/security.ts';
import { createPublicServer } from './node-server.ts';
import type { ReadinessProbe } from '../observability/readiness-probe.ts';
import { installErrorHandler, notFound, sendError } from './errors.ts';
import { registerStatic, sendIndex, wantsSpaFallback } from './static.ts';
import { healthRoutes } from './routes/health.ts';
import { mediaRoutes } from './routes/media.ts';
import type { LiveService } from '../lives/live-service.ts';
import type { LiveEvents } from '../lives/live-events.ts';
import type { ProviderRegistry } from '../lives/provider-registry.ts';
import type { MediaFiles } from '../lives/media-files.ts';

export interface HttpDeps {
  services: Services;
  auth: AuthService;
  tokens: TokenService;
  /** Verifies bearer tokens (default `tokens`); the server passes one that refuses revoked sign-ins. */
  verifier?: TokenVerifier;
  communities: CommunityService;
  /** Lives, their provider webhooks and providers (api role). Absent: no live routes (tests of other faces). */
  lives?: LiveService;
  liveEvents?: LiveEvents;
  providers?: ProviderRegistry;
  /** HLS of the local provider, in a process with the media role. */
  mediaFiles?: MediaFiles;
  /** Moderation, reports, filters, translation and platform flags. */
  moderation: ModerationServices;
  /** Readiness of the whole process (db, broker, archive backlog); the lead supplies it. */
  readiness: ReadinessProbe;
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
  const security = services.config?.security;
  const app = Fastify({
    // Per-address limits see the client behind the configured proxies; forwarded headers are ignored unset.
    trustProxy: trustProxyFn(security?.trustProxy ?? false),
    // Slow and half-open requests are cut off (node-server.ts).
    serverFactory: (handler) => createPublicServer(security, handler),
    loggerInstance: services.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Fastify's own request lines would log the URL and headers; observeRequests logs a safe line instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Playback tokens ride in the path of local HLS URLs (media.ts): a few hundred characters.
    routerOptions: { maxParamLength: 1100 },
    // Fastify's own 503 while closing has another body shape; refuseWhileClosing answers ours.
    return503OnClosing: false,
  });
  const routes: RouteEntry[] = [];
  routeTables.set(app, routes);
  app.addHook('onRoute', (r) => {
    const hidden = Boolean((r.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of [r.method].flat()) routes.push({ method, url: r.url, hidden });
  });
  await securityHeaders(app);
  await registerRefreshCookie(app);
  useValidators(app);
  emptyJsonIsNoBody(app);
  installErrorHandler(app, services);
  refuseWhileClosing(app);
  registerAuth(app, deps.verifier ?? deps.tokens);
  observeRequests(app, services);

  if (deps.api !== false) {
    // Loaded only with the api role: the routes, their schemas and the OpenAPI generator stay out of a
    // gateway-only process (issue 6: idle RSS and start time of a gateway).
    const { registerApi } = await import('./api-routes.ts');
    await registerApi(app, deps);
  }
  if (deps.mediaFiles) mediaRoutes(app, deps.mediaFiles);
  healthRoutes(app, {
    registry: services.metrics.registry,
    readiness: deps.readiness,
    metricsElsewhere: services.config?.metrics?.port !== undefined,
  });
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
