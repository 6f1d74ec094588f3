/**
 * Starts the roles chosen in Config in this process: HTTP API and web on Fastify, the gateway on its
 * 'upgrade' event at /ws, and in scale-out mode the archiver with the api role. `shutdown()` is the SIGTERM
 * drain: stop accepting, tell clients to reconnect, flush the message log, stop the archiver after its
 * current batch, close the stores.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Runtime } from '../runtime.ts';
import type { Logger } from '../observability/logger.ts';
import { createHttpApp } from '../http/app.ts';
import { createGateway, type Gateway, type GatewayLimits } from '../gateway/gateway.ts';
import { buildServices, type Built } from './build.ts';
import { createReadiness } from './readiness.ts';

export interface RunningServer {
  built: Built;
  http: FastifyInstance;
  gateway: Gateway | undefined;
  logger: Logger;
  port: number;
  /** Drain and close; resolves when everything acknowledged is in the archive. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  runtime?: Runtime;
  logger?: Logger;
  /** Tests shorten protocol timeouts here. */
  gatewayLimits?: Partial<GatewayLimits>;
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
  const admin = await built.auth.ensureAdminAccount(config.adminPassword);
  if (admin.generatedPassword !== undefined) {
    // Printed once, to the terminal only: never through the logger, never stored in clear.
    process.stdout.write(
      `\nLightstick created the account "admin" with password: ${admin.generatedPassword}\n\n`,
    );
  }
  let draining = false;
  const readiness = createReadiness({
    services,
    mode: built.mode,
    draining: () => draining,
    backlog: () => built.backlog(),
    archiver: built.archiver,
  });
  const http = await createHttpApp({
    services,
    auth: built.auth,
    tokens: built.tokens,
    communities: built.communities,
    readiness,
    api: config.roles.has('api'),
    ...(config.roles.has('web') ? { webDir: config.webDir } : {}),
  });
  const gateway = config.roles.has('gateway')
    ? createGateway({
        services: built.gatewayServices,
        send: built.send,
        seeder: built.seeder,
        ...(opts.gatewayLimits ? { limits: opts.gatewayLimits } : {}),
      })
    : undefined;
  http.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (gateway && pathname === '/ws') return gateway.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await http.listen({ port: config.port, host: config.host });
  built.archiver?.start();
  const address = http.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      port,
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
      await gateway?.drain({ deadlineMs: config.drainTimeoutMs, spreadMs });
      await http.close();
      await services.messageLog.drain();
      await built.archiver?.stop();
      await gateway?.close();
      await built.close();
      logger.info('drained');
    })());
  return { built, http, gateway, logger, port, shutdown };
}
