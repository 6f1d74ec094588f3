/**
 * Several gateway "nodes" in ONE test process, for tests that only need several nodes (no process of their
 * own): the first node is a full embedded server (startLightstick: api, gateway, the SQLite archive with its
 * group commit); every other node is a gateway of its own (node id, MemoryBroker, Hub, room counters, WebSocket
 * listener on an ephemeral port) on the same MemoryBus, so they share what scale-out processes share through
 * Redis: history, send buckets, resend memory, room counters and control messages. Sends on any node commit
 * through the one embedded archive. Spawned multi-process tests stay in test/e2e.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBroker } from '../../src/broker/memory.ts';
import { createGateway, type Gateway, type GatewayLimits } from '../../src/gateway/gateway.ts';
import { closeRevokedSessions } from '../../src/gateway/session-revocation.ts';
import { startLightstick, type InProcess } from './harness.ts';

export interface GatewayNode {
  nodeId: string;
  wsUrl: string;
  gateway: Gateway;
  broker: MemoryBroker;
  /** Closes this node's sockets and listener (a clean shutdown of one gateway). */
  stop(): Promise<void>;
}

export interface InProcessNodes {
  /** The full server (node 0): HTTP API, store, services. */
  app: InProcess;
  /** Every gateway node, node 0 first. */
  nodes: GatewayNode[];
  stop(): Promise<void>;
}

export async function startNodes(
  count: number,
  opts: { env?: Record<string, string>; limits?: Partial<GatewayLimits> } = {},
): Promise<InProcessNodes> {
  const app = await startLightstick({
    env: { LIGHTSTICK_NODE_ID: 'node0', ...opts.env },
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  const built = app.server.built;
  const first = built.gatewayServices.broker;
  if (!(first instanceof MemoryBroker)) throw new Error('startNodes needs the embedded (in-process) broker');
  const nodes: GatewayNode[] = [
    {
      nodeId: 'node0',
      wsUrl: app.wsUrl,
      gateway: app.server.gateway!,
      broker: first,
      stop: async () => {},
    },
  ];
  const servers: Server[] = [];
  try {
    for (let i = 1; i < count; i++) {
      const nodeId = `node${i}`;
      const broker = new MemoryBroker({ nodeId, bus: first.bus });
      const config = { ...built.gatewayServices.config, nodeId };
      const gateway = createGateway({
        services: { ...built.gatewayServices, config, broker },
        send: built.send,
        seeder: built.seeder,
        moderation: built.moderation,
        ...(opts.limits ? { limits: opts.limits } : {}),
      });
      // As server.ts does for its gateway: revoked sign-ins' sockets close on every node.
      closeRevokedSessions(gateway);
      const http = createServer((_req, res) => res.writeHead(404).end());
      http.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      servers.push(http);
      let stopped = false;
      nodes.push({
        nodeId,
        wsUrl: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`,
        gateway,
        broker,
        stop: async () => {
          if (stopped) return;
          stopped = true;
          await gateway.close();
          await broker.close();
          await new Promise<void>((resolve) => http.close(() => resolve()));
        },
      });
    }
  } catch (err) {
    await Promise.allSettled(nodes.slice(1).map((n) => n.stop()));
    await app.stop();
    throw err;
  }
  return {
    app,
    nodes,
    async stop() {
      await Promise.allSettled(nodes.slice(1).map((n) => n.stop()));
      await app.stop();
    },
  };
}
