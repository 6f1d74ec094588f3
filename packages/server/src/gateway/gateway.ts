/**
 * The WebSocket face: owns a `ws` server without its own HTTP listener (the app routes upgrades for /ws
 * here), the Hub, and every connection. Draining tells each client when to reconnect, then closes it 1012.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, Limits, type ErrorCode } from '@lightstick/protocol';
import type { Principal } from '../auth/principal.ts';
import { WebSocketServer } from 'ws';
import { deflateNegotiation } from './permessage-deflate.ts';
import type { Services } from '../services.ts';
import type { RoomSeeder } from '../chat/room-seeder.ts';
import { RoomAccess } from '../chat/room-access.ts';
import type { SendService } from '../chat/send-service.ts';
import type { GatewayContext, GatewayLimits } from './context.ts';

export type { GatewayLimits };
import type { ModerationServices } from '../moderation/moderation-services.ts';
import { ControlRegistry } from './control.ts';
import { GatewayFandom } from './fandom.ts';
import { AddressJoinLimiter, JoinLimiter, UserJoinLimiter } from './join-limits.ts';
import { AddressLimit } from './address-limits.ts';
import { ReplayBudget } from './replay-budget.ts';
import { registerFandomControl } from './fandom-control.ts';
import { Admission } from './admission.ts';
import { Hub } from './hub.ts';
import { FanoutGovernor, processLoopDelay } from './fanout-governor.ts';
import { RoomCounters } from './room-counters.ts';
import { systemScheduler } from './scheduler.ts';
import { leaveRoom } from './ops.ts';
import type { Session } from './session.ts';
import { SessionClock } from './session-clock.ts';
import { JoinGate } from './join-gate.ts';
import { handleConnection } from './ws-handler.ts';
import { corkForTick } from './connection.ts';

export interface GatewayDeps {
  services: Services;
  send: SendService;
  seeder: RoomSeeder;
  /** The send checks' caches (room modes, compiled filters), forgotten on moderation's control messages. */
  moderation?: Pick<ModerationServices, 'modes' | 'filters'>;
  /** Overrides of the protocol limits (tests shorten timeouts). Number-typed: `typeof Limits` is literal. */
  limits?: Partial<GatewayLimits>;
}

export interface Gateway {
  /** Handlers of typed control messages from other nodes (gateway/control.ts). */
  readonly control: ControlRegistry;
  /** The node's hub: room membership and ephemeral room frames (`publishLocal`). */
  readonly hub: Hub;
  /** The node's room counters (viewers; `count` and `contribute` add more, e.g. hearts). */
  readonly counters: RoomCounters;
  /** Hearts, spotlight, fan delay, and what a join adds (mode, pin). */
  readonly fandom: GatewayFandom;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Closes every local connection whose principal matches, with an error frame and `code` (e.g. a revoked
   * session: 4003). Returns how many it closed.
   */
  closeWhere(
    match: (p: Principal) => boolean,
    close: { code: number; error: ErrorCode; message: string },
  ): number;
  /**
   * Takes every matching connection out of the matching rooms at once (a ban, a demotion): each gets an error
   * frame with `error` for each room (with the room) and stops receiving it. Returns how many memberships ended.
   */
  dropWhere(
    match: (p: Principal) => boolean,
    rooms: (room: string) => boolean,
    error: { error: ErrorCode; message: string },
  ): Promise<number>;
  drain(opts: { deadlineMs: number; spreadMs: number }): Promise<void>;
  connectionCount(): number;
  close(): Promise<void>;
}

/** Grace for close handshakes in close() before sockets are dropped. */
const CLOSE_GRACE_MS = 1000;
/** How often the fan-out governor reads the loop's delay and adjusts the budget (fanout-governor.ts). */
const GOVERNOR_PERIOD_MS = 500;

export function createGateway(deps: GatewayDeps): Gateway {
  const { services } = deps;
  const limits: GatewayLimits = { ...Limits, sendsPerSecond: 0, sendBurst: 0, ...deps.limits };
  const sessions = new Set<Session>();
  let closedWaiters: (() => void)[] = [];
  let draining = false;

  // The gateway is the node: it registers the broker handlers that feed the Hub and the control handlers.
  const control = new ControlRegistry(services.logger);
  const started = services.broker.start({
    onPublication: (room, pub) => {
      hub.onPublication(room, pub);
      fandom.observe(room, pub);
    },
    onControl: (msg) => control.dispatch(msg),
  });
  started.catch((err: unknown) => services.logger.error({ err }, 'broker start failed'));
  // Counters report through the hub, fandom adds hearts to them and gates the hub's messages (fan delay): the
  // hub comes last, the others reach it once it exists.
  const counters: RoomCounters = new RoomCounters({
    node: services.config.nodeId,
    presence: services.presence,
    hub: {
      localRooms: () => hub.localRooms(),
      publishLocal: (room, frame, opts) => hub.publishLocal(room, frame, opts),
    },
    logger: services.logger,
    scheduler: systemScheduler,
    intervalMs: services.config.countersIntervalMs,
    statsFramesPerSecond: services.config.statsFramesPerSecond,
  });
  const fandom = new GatewayFandom({
    store: services.store,
    ...(deps.moderation ? { modes: deps.moderation.modes } : {}),
    counters,
    countersIntervalMs: services.config.countersIntervalMs,
    scheduler: systemScheduler,
    now: () => services.runtime.now(),
    logger: services.logger,
  });
  const hub = new Hub({
    fanDelay: fandom.fanDelay,
    broker: services.broker,
    metrics: services.metrics,
    logger: services.logger,
    started,
    limits,
    fanout: { ...services.config.fanout },
    receivedAt: (id) => deps.send.receiveTimes.take(id),
  });
  fandom.attach(hub);
  counters.start();
  const clock = new SessionClock(sessions, limits, systemScheduler, { writer: hub.writer });
  const fanout = services.config.fanout;
  const governor = new FanoutGovernor(
    {
      ceiling: fanout.framesPerSecond,
      floor: Math.max(100, Math.round(fanout.framesPerSecond / 50)),
      lagTargetMs: fanout.lagTargetMs,
      busyTarget: fanout.busyTarget,
      periodMs: GOVERNOR_PERIOD_MS,
    },
    hub.pacer,
    processLoopDelay(),
    systemScheduler,
    hub.writer,
    (budget) => services.metrics.fanoutBudget.set(budget),
    (share) => services.metrics.fanoutBusy.set(share),
  );
  services.metrics.fanoutBudget.set(fanout.framesPerSecond);
  governor.start();
  const now = () => services.runtime.now();
  const rateLimits = services.config.rateLimits;
  const admission = new Admission(
    services.config.security,
    services.logger,
    services.connections,
    new AddressLimit(rateLimits.connectsPerAddress, now),
  );
  const ctx: GatewayContext = {
    fandom,
    joins: new JoinLimiter(rateLimits.joinsPerConnection, now),
    addressJoins: new AddressJoinLimiter(rateLimits.joinsPerAddress, now),
    userJoins: new UserJoinLimiter(
      services.joinRateLimiter ?? services.rateLimiter,
      services.config.rateLimits.joinsPerUser,
    ),
    joinGate: new JoinGate(services.config.joins),
    replay: new ReplayBudget(services.rateLimiter, services.config.rateLimits.replayBytes),
    admission,
    services,
    send: deps.send,
    seeder: deps.seeder,
    access: new RoomAccess(services.store),
    hub,
    limits,
    sessions,
    clock,
    onClosed: (session) => {
      admission.closed(session);
      if (sessions.size > 0) return;
      const waiters = closedWaiters;
      closedWaiters = [];
      for (const w of waiters) w();
    },
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: deflateNegotiation(services.config.wsDeflate),
  });
  registerFandomControl({
    control,
    fandom,
    hub,
    sessions,
    drop: (s, room) => leaveRoom(ctx, s, room),
    ...(deps.moderation ? { filters: deps.moderation.filters.compiled } : {}),
    now: () => services.runtime.now(),
    logger: services.logger,
  });

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
    control,
    hub,
    counters,
    fandom,
    closeWhere(match, close) {
      let n = 0;
      for (const s of sessions) {
        if (s.principal === undefined || !s.active || !match(s.principal)) continue;
        s.error(undefined, close.error, close.message);
        s.close(close.code, close.error);
        n++;
      }
      return n;
    },
    async dropWhere(match, rooms, error) {
      let n = 0;
      for (const s of sessions) {
        if (s.principal === undefined || !match(s.principal)) continue;
        for (const room of s.rooms.keys()) {
          if (!rooms(room)) continue;
          await leaveRoom(ctx, s, room);
          s.reply({ t: 'error', code: error.error, message: error.message, room });
          n++;
        }
      }
      return n;
    },
    handleUpgrade(req, socket, head) {
      if (draining) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const verdict = admission.check(req);
      if (!verdict.ok) {
        const body = JSON.stringify({
          error: { code: verdict.status === 403 ? 'forbidden' : 'rate_limited', message: verdict.reason },
        });
        const status = verdict.status === 403 ? '403 Forbidden' : '429 Too Many Requests';
        const retry =
          verdict.retryAfterMs === undefined
            ? ''
            : `Retry-After: ${Math.ceil(verdict.retryAfterMs / 1000)}\r\n`;
        socket.end(
          `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: application/json\r\n${retry}` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        return;
      }
      // The 101 answer and the `hello` frame leave in one write (WsConnection.reply says why).
      corkForTick(socket);
      wss.handleUpgrade(req, socket, head, (ws) =>
        admission.opened(handleConnection(ctx, ws), verdict.address),
      );
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
      clock.stop();
      governor.stop();
      await counters.stop();
      await hub.close();
    },
  };
}
