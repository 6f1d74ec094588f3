/**
 * What the server needs of the face on its public port, whichever serves it: the Fastify app (api, web and
 * media roles, app.ts) or the plain front of a gateway-only process (gateway-front.ts). The node:http server
 * carries the WebSocket upgrade and the socket budget (`maxConnections`).
 */
import type { Server } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface HttpFront {
  server: Server;
  listen(opts: { port: number; host: string; backlog: number }): Promise<void>;
  /** Stops accepting and resolves when every connection has ended; requests meanwhile answer 503. */
  close(): Promise<void>;
}

export function fastifyFront(app: FastifyInstance): HttpFront {
  return {
    server: app.server,
    listen: async (opts) => {
      await app.listen(opts);
    },
    close: async () => {
      await app.close();
    },
  };
}
