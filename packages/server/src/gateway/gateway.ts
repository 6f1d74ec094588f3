/**
 * The WebSocket face: owns a `ws` server without its own HTTP listener (the app routes upgrades for /ws
 * here), the Hub, and every connection. Draining tells each client when to reconnect, then closes it 1012.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, Limits } from '@lightstick/protocol';
import { WebSocketServer } from 'ws';
import type { Services } from '../app/services.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import { RoomAccess } from '../chat/room-access.ts';
import type { SendService } from '../chat/send-service.ts';
import type { GatewayContext, GatewayLimits } from './context.ts';

export type { GatewayLimits };
import { Hub } from './hub.ts';
import type { Session } from './session.ts';
import { handleConnection } from './ws-handler.ts';

export interface GatewayDeps {
  services: Services;
  send: SendService;
  seeder: RoomSeeder;
  /** Overrides of the protocol limits (tests shorten timeouts). Number-typed: `typeof Limits` is literal. */
  limits?: Partial<GatewayLimits>;
}

export interface Gateway {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  drain(opts: { deadlineMs: number; spreadMs: number }): Promise<void>;
  connectionCount(): number;
  close(): Promise<void>;
}

/** Grace for close handshakes in close() before sockets are dropped. */
const CLOSE_GRACE_MS = 1000;

export function createGateway(deps: GatewayDeps): Gateway {
  const { services } = deps;
  const limits: GatewayLimits = { ...Limits, ...deps.limits };
  const sessions = new Set<Session>();
  let closedWaiters: (() => void)[] = [];
  let draining = false;

  // The gateway is the node: it registers the broker handlers that feed the Hub.
  const started = services.broker.start({
    onPublication: (room, pub) => hub.onPublication(room, pub),
    onControl: (msg) => services.logger.debug({ type: msg.type }, 'broker control message'),
  });
  started.catch((err: unknown) => services.logger.error({ err }, 'broker start failed'));
  const hub = new Hub({
    broker: services.broker,
    metrics: services.metrics,
    logger: services.logger,
    started,
    limits,
    receivedAt: (id) => deps.send.receiveTimes.take(id),
  });
  const ctx: GatewayContext = {
    services,
    send: deps.send,
    seeder: deps.seeder,
    access: new RoomAccess(services.store),
    hub,
    limits,
    sessions,
    onClosed: () => {
      if (sessions.size > 0) return;
      const waiters = closedWaiters;
      closedWaiters = [];
      for (const w of waiters) w();
    },
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
  });
  wss.on('connection', (ws) => handleConnection(ctx, ws));

  const allClosed = (ms: number) =>
    new Promise<void>((resolve) => {
      if (sessions.size === 0) return resolve();
      const t = setTimeout(resolve, ms);
      closedWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });

  return {
    handleUpgrade(req, socket, head) {
      if (draining) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },

    async drain({ deadlineMs, spreadMs }) {
      draining = true;
      hub.flushNow();
      const timers: NodeJS.Timeout[] = [];
      for (const s of sessions) {
        const afterMs = Math.floor((services.runtime.random(4).readUInt32BE(0) / 2 ** 32) * (spreadMs + 1));
        s.reply({ t: 'reconnect', afterMs, reason: 'draining' });
        const at = Math.min(afterMs, deadlineMs);
        timers.push(setTimeout(() => s.close(CloseCode.ServiceRestart, 'server restart'), at));
      }
      await allClosed(deadlineMs);
      for (const t of timers) clearTimeout(t);
      // Past the deadline nobody waits for a close handshake.
      for (const s of sessions) s.connection.terminate();
    },

    connectionCount: () => sessions.size,

    async close() {
      draining = true;
      hub.flushNow();
      for (const s of sessions) s.close(1001, 'server closing');
      await allClosed(CLOSE_GRACE_MS);
      for (const s of sessions) s.connection.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await hub.close();
    },
  };
}
