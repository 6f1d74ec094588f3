/**
 * Starts the roles chosen in Config in this process: HTTP API, web and media on Fastify (loaded only for those
 * roles: a gateway-only process answers health and metrics on plain node:http, http/gateway-front.ts), the
 * gateway on the public port's 'upgrade' event at /ws, and in scale-out mode the archiver with the api role;
 * with LIGHTSTICK_METRICS_PORT, the metrics listener (every role). `shutdown()` is the SIGTERM drain: stop
 * accepting, tell clients to reconnect, flush the message log, stop the archiver after its current batch, close
 * the stores, and last the metrics listener (a drain stays observable).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Runtime } from '../runtime.ts';
import type { Logger } from '../observability/logger.ts';
import { fastifyFront, type HttpFront } from '../http/front.ts';
import { createGatewayFront } from '../http/gateway-front.ts';
import { startMetricsListener, type MetricsListener } from '../http/metrics-listener.ts';
import { createGateway, type Gateway, type GatewayLimits } from '../gateway/gateway.ts';
import { closeRevokedSessions } from '../gateway/session-revocation.ts';
import type { SendCheck } from '../chat/send-service.ts';
import { buildServices, servesHttpApp, type Built } from './build.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { createReadiness, type Readiness } from './readiness.ts';
import { liveViewers } from './live-viewers.ts';
import { bootstrapAdmin } from './admin-bootstrap.ts';
import type { StreamProvider } from '../lives/providers/stream-provider.ts';

export interface RunningServer {
  built: Built;
  /** The public port's face: the Fastify app, or a gateway-only process's plain front. */
  http: HttpFront;
  /** The Fastify app (api, web or media role); undefined in a gateway-only process. */
  app: FastifyInstance | undefined;
  gateway: Gateway | undefined;
  logger: Logger;
  port: number;
  /** The metrics listener's port (LIGHTSTICK_METRICS_PORT); undefined: `/metrics` is on `port`. */
  metricsPort: number | undefined;
  /** Drain and close; resolves when everything acknowledged is in the archive. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  runtime?: Runtime;
  logger?: Logger;
  /** Tests shorten protocol timeouts here. */
  gatewayLimits?: Partial<GatewayLimits>;
  /** More video providers beside the configured ones (tests drive the live service with their own). */
  providers?: StreamProvider[];
  /** Moderation checks of the send pipeline, in order (tests put a slow one here to make the server busy). */
  sendChecks?: SendCheck[];
}

/** The sign-in service, which build.ts makes in every process that serves the Fastify app. */
function signIn(built: Built): AuthService {
  if (built.auth === undefined)
    throw new Error('the sign-in service is built only for the api, web and media roles');
  return built.auth;
}

export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const built = await buildServices(config, opts);
  try {
    return await startRoles(config, opts, built);
  } catch (err) {
    // A start that fails half-way must not leave pools and Redis connections holding the process open.
    await built.close().catch(() => {});
    throw err;
  }
}

async function startRoles(config: Config, opts: StartOptions, built: Built): Promise<RunningServer> {
  const { services } = built;
  const logger = services.logger;
  // The admin account belongs to the sign-in, so only a process that serves the API creates it or checks its
  // setting. Every role did: a gateway-only or media-only process verified LIGHTSTICK_ADMIN_PASSWORD with
  // argon2id (19 MiB, 0.1–0.2 s of its start to ready) at every start, which is why the manifests handed the
  // admin password to every pod; and one started without it on a fresh database created the account, its
  // generated password written into that process's own data folder (docs/benchmarks.md "Stop 41").
  if (config.roles.has('api')) {
    await bootstrapAdmin({
      auth: signIn(built),
      password: config.adminPassword,
      dataDir: config.dataDir,
      logger,
    });
  }
  let draining = false;
  // The public port's server, once it exists (the readiness is built before it: the Fastify app takes it).
  const publicPort: { server?: HttpFront['server'] } = {};
  const readiness = createReadiness({
    services,
    mode: built.mode,
    draining: () => draining,
    backlog: () => built.backlog(),
    archiver: built.archiver,
    ...(built.lives.media ? { media: built.lives.media } : {}),
    sockets: () => socketUse(publicPort.server),
  });
  services.metrics.watchReadiness(readiness);
  if (config.roles.has('api')) services.metrics.watchLiveViewers(() => liveViewers(services));
  const app = servesHttpApp(config) ? await startFastify(config, built, readiness) : undefined;
  const http = app ? fastifyFront(app) : createGatewayFront({ services, readiness });
  publicPort.server = http.server;
  const gateway = config.roles.has('gateway')
    ? createGateway({
        services: built.gatewayServices,
        send: built.send,
        seeder: built.seeder,
        moderation: built.moderation,
        limits: {
          // `hello` announces the fan bucket this deployment enforces (none: the protocol reports 0).
          sendsPerSecond: config.sendRate.fan?.ratePerSecond ?? 0,
          sendBurst: config.sendRate.fan?.burst ?? 0,
          ...opts.gatewayLimits,
        },
      })
    : undefined;
  if (gateway) {
    const cache = built.revocationCache;
    closeRevokedSessions(gateway, cache && ((ids) => cache.heard(ids)));
  }
  http.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (gateway && pathname === '/ws') return gateway.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  let metrics: MetricsListener | undefined;
  try {
    if (config.metrics.port !== undefined) {
      metrics = await startMetricsListener({
        registry: services.metrics.registry,
        host: config.metrics.host,
        port: config.metrics.port,
        logger,
      });
    }
    await http.listen({ port: config.port, host: config.host, backlog: config.listenBacklog });
    await built.lives.start();
  } catch (err) {
    // A port that is taken, or an RTMP listener that fails: nothing this start opened stays listening or
    // ticking (the gateway's timers would keep the process alive); startServer then closes the services.
    await Promise.allSettled([metrics?.close(), http.close(), gateway?.close()]);
    throw err;
  }
  built.archiver?.start();
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      port,
      metricsPort: metrics?.port ?? null,
      roles: [...config.roles],
      mode: built.mode,
      store: config.databaseUrl ? 'postgres' : 'sqlite',
      archiver: built.archiver !== undefined,
    },
    'listening',
  );

  let shuttingDown: Promise<void> | undefined;
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      draining = true;
      const spreadMs = Math.min(5000, Math.floor(config.drainTimeoutMs / 2));
      try {
        await gateway?.drain({ deadlineMs: config.drainTimeoutMs, spreadMs });
        await http.close();
        await built.lives.stop();
        await services.messageLog.drain();
        await built.archiver?.stop();
        await gateway?.close();
        await built.close();
      } finally {
        await metrics?.close();
      }
      logger.info('drained');
    })());
  return { built, http, app, gateway, logger, port, metricsPort: metrics?.port, shutdown };
}

/** The Fastify app of the api, web and media roles, imported here so that no other process loads it. */
async function startFastify(config: Config, built: Built, readiness: Readiness): Promise<FastifyInstance> {
  const { createHttpApp } = await import('../http/app.ts');
  return createHttpApp({
    services: built.services,
    auth: signIn(built),
    tokens: built.tokens,
    verifier: built.services.tokens,
    communities: built.communities,
    lives: built.lives.service,
    liveEvents: built.lives.events,
    providers: built.lives.providers,
    ...(built.lives.files ? { mediaFiles: built.lives.files } : {}),
    moderation: built.moderation,
    readiness,
    api: config.roles.has('api'),
    ...(config.roles.has('web') ? { webDir: config.webDir } : {}),
  });
}

/** Open sockets of a node:http server and its `maxConnections` (the socket budget main.ts sets). */
function socketUse(
  server: HttpFront['server'] | undefined,
): Promise<{ open: number; max: number | undefined }> {
  if (server === undefined) return Promise.resolve({ open: 0, max: undefined });
  return new Promise((resolve, reject) =>
    server.getConnections((err, open) => (err ? reject(err) : resolve({ open, max: server.maxConnections }))),
  );
}
