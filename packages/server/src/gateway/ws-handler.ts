/**
 * Reads one socket: decodes each frame, handles frames of a connection one at a time and in order, and
 * answers every failure with an error frame carrying a stable code (and the frame's id when it had one).
 */
import {
  CloseCode,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ErrorCode,
  type JoinOp,
} from '@lightstick/protocol';
import type { WebSocket } from 'ws';
import { AppError, isAppError } from '../errors.ts';
import { WsConnection } from './connection.ts';
import { decodeFrame, isPlainPong } from './decode.ts';
import { acceptDeflate } from './permessage-deflate.ts';
import type { GatewayContext } from './context.ts';
import { auth, heart, join, leave, send } from './ops.ts';
import { Session } from './session.ts';

/** Bad frames (or rate-limited sends) in a row before the connection is closed with 4029. */
export const MAX_STRIKES = 10;
/**
 * Frames waiting to be handled at which the socket stops being read, and the count at which reading resumes.
 * A client whose frames wait only because the server is busy (fan-out, a slow Redis) is paused, never closed:
 * its next frames wait in TCP buffers, and its own socket tells it to slow down.
 */
export const PAUSE_AT_PENDING = 32;
export const RESUME_AT_PENDING = 8;
/**
 * Frames past a pause can only come from data already read off the socket (one read is at most 64 KiB, a few
 * thousand tiny frames); more than this is a flood, answered with 4029.
 */
export const MAX_PENDING_FRAMES = 4096;

/** Where a quiet connection's next frame starts: one settled promise shared by every connection. */
const SETTLED = Promise.resolve();

export function handleConnection(ctx: GatewayContext, ws: WebSocket): Session {
  const { services, limits } = ctx;
  const sid = services.runtime.id();
  const deflateMinBytes = acceptDeflate(ws, limits.maxFrameBytes)
    ? services.config.wsDeflate.minBytes
    : undefined;
  const session = new Session(sid, new WsConnection(sid, ws, deflateMinBytes));
  ctx.sessions.add(session);
  services.metrics.connections.inc();

  session.reply({
    t: 'hello',
    v: PROTOCOL_VERSION,
    sid,
    limits: {
      maxFrameBytes: limits.maxFrameBytes,
      maxMessageChars: limits.maxMessageChars,
      maxRoomsPerConnection: limits.maxRoomsPerConnection,
      sendsPerSecond: limits.sendsPerSecond,
      sendBurst: limits.sendBurst,
      heartbeatMs: limits.heartbeatMs,
      idleTimeoutMs: limits.idleTimeoutMs,
    },
  });
  ctx.clock.opened(session);

  let chain = SETTLED;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!session.active) return;
    ctx.clock.touched(session);
    // The heartbeat's pong with nothing waiting before it: handled here (a pong is never answered) with what the
    // queued path does for it (the slow consumer check, the strikes reset), without a decode and three promises
    // per pong (issue 6: holding quiet connections, docs/benchmarks.md "Stop 25").
    if (session.backlog === 0 && isPlainPong(data, isBinary)) {
      if (slowConsumer(ctx, session)) return;
      session.strikes = 0;
      return;
    }
    const receivedAt = performance.now();
    if (++session.backlog > MAX_PENDING_FRAMES) {
      session.close(CloseCode.PolicyViolation, 'too many frames waiting');
      return;
    }
    if (session.backlog >= PAUSE_AT_PENDING && !session.connection.paused) {
      session.connection.pause();
      services.metrics.wsPaused.inc();
    }
    chain = chain
      .then(() => handleFrame(ctx, session, data, isBinary, receivedAt))
      .finally(() => {
        if (--session.backlog <= RESUME_AT_PENDING) session.connection.resume();
        // The last frame waiting is done, so `chain` is this promise: a quiet connection holds none of its own
        // (49 bytes of each of 100 000 idle connections, issue 6). The next frame still starts after this one.
        if (session.backlog === 0) chain = SETTLED;
      });
  });
  ws.on('error', (err) => services.logger.debug({ err, sid }, 'websocket error'));
  ws.on('close', (code: number) => {
    session.closed = true;
    ctx.sessions.delete(session);
    services.metrics.connections.dec();
    services.metrics.closes.inc({ code: String(code) });
    for (const room of session.rooms.keys()) void ctx.hub.remove(room, session);
    session.rooms.clear();
    ctx.onClosed(session);
  });
  return session;
}

async function handleFrame(
  ctx: GatewayContext,
  session: Session,
  data: Buffer,
  isBinary: boolean,
  receivedAt: number,
): Promise<void> {
  // A close decided by an earlier frame (4029, 4003, 4004...) or the peer: what is queued is not acted on.
  if (!session.active) return;
  if (slowConsumer(ctx, session)) return;
  const decoded = decodeFrame(data, isBinary);
  if (!decoded.ok) {
    answer(ctx, session, decoded.id, decoded.code, decoded.message);
    strike(session);
    return;
  }
  const frame = decoded.frame;
  const id = 'id' in frame ? frame.id : undefined;
  try {
    await dispatch(ctx, session, frame, receivedAt);
    if (frame.op !== 'ping' && frame.op !== 'pong') {
      ctx.services.metrics.wsOpSeconds.observe({ op: frame.op }, (performance.now() - receivedAt) / 1000);
    }
    session.strikes = 0;
  } catch (err) {
    if (isAppError(err)) {
      answer(ctx, session, id, err.code, err.message, err.retryAfterMs);
      if (err.code === 'rate_limited') rateLimited(session, receivedAt, err.retryAfterMs ?? 0);
    } else {
      ctx.services.logger.error({ err, sid: session.id, op: frame.op }, 'frame handling failed');
      answer(ctx, session, id, 'internal', 'Something went wrong on our side');
    }
  }
}

/** A client that does not read its answers (a replay can be ~1 MB) is a slow consumer too, room or not. */
function slowConsumer(ctx: GatewayContext, session: Session): boolean {
  if (session.connection.bufferedAmount() <= ctx.limits.hardBufferBytes) return false;
  session.close(CloseCode.SlowConsumer, 'slow consumer: reconnect and resume');
  return true;
}

async function dispatch(ctx: GatewayContext, session: Session, frame: ClientFrame, receivedAt: number) {
  switch (frame.op) {
    case 'ping':
      return session.reply(frame.id === undefined ? { t: 'pong' } : { t: 'pong', id: frame.id });
    case 'pong':
      return;
    case 'auth':
      await auth(ctx, session, frame);
      return ctx.admission?.authed(session);
    default:
      break; // the ops below need a principal
  }
  if (session.principal === undefined) throw new AppError('unauthenticated', 'Send auth first');
  switch (frame.op) {
    case 'join':
      return gatedJoin(ctx, session, frame);
    case 'leave':
      return leave(ctx, session, frame);
    case 'send':
      return send(ctx, session, frame, receivedAt);
    case 'heart':
      return heart(ctx, session, frame);
  }
}

/** A join takes its turn in the gateway's JoinGate; the waiting count is a gauge (a reconnect storm shows). */
async function gatedJoin(ctx: GatewayContext, session: Session, frame: JoinOp): Promise<void> {
  const { joinGate, services } = ctx;
  const running = joinGate.run(() => {
    services.metrics.joinsWaiting.set(joinGate.waiting);
    return join(ctx, session, frame);
  });
  services.metrics.joinsWaiting.set(joinGate.waiting);
  await running;
}

function answer(
  ctx: GatewayContext,
  session: Session,
  id: number | undefined,
  code: ErrorCode,
  message: string,
  retryAfterMs?: number,
): void {
  ctx.services.metrics.errors.inc({ code, surface: 'ws' });
  session.error(id, code, message, retryAfterMs);
}

/**
 * A refusal for rate is a strike only when the frame came after an earlier refusal was written and before the
 * wait it announced ended: that client ignores `retryAfterMs`. Frames already on their way when the refusal
 * went out, and resends that waited, are not: a client that waits its turn in a busy room (the room ceiling
 * refuses many senders at once, and again after the wait) was closed with 4029 after ten such refusals.
 */
function rateLimited(session: Session, receivedAt: number, retryAfterMs: number): void {
  if (receivedAt > session.refusedAt && receivedAt < session.waitEndsAt) strike(session);
  session.refusedAt = performance.now();
  session.waitEndsAt = session.refusedAt + retryAfterMs;
}

function strike(session: Session): void {
  if (++session.strikes >= MAX_STRIKES) session.close(CloseCode.PolicyViolation, 'too many bad frames');
}
