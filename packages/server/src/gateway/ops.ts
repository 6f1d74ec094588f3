/** The client operations after decoding: auth, join, leave, send. Each throws AppError to answer an error. */
import { CloseCode, type AuthOp, type JoinOp, type LeaveOp, type SendOp } from '@lightstick/protocol';
import { AppError, isAppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { GatewayContext } from './context.ts';
import type { Session } from './session.ts';

export async function auth(ctx: GatewayContext, session: Session, op: AuthOp): Promise<void> {
  let principal: Principal;
  try {
    principal = await ctx.services.tokens.verify(op.token);
  } catch (err) {
    if (!isAppError(err) || (err.code !== 'token_expired' && err.code !== 'token_invalid')) throw err;
    session.error(op.id, err.code, err.message);
    ctx.services.metrics.errors.inc({ code: err.code, surface: 'ws' });
    session.close(err.code === 'token_expired' ? CloseCode.TokenExpired : CloseCode.AuthFailed, err.code);
    return;
  }
  if (session.principal !== undefined && session.principal.userId !== principal.userId) {
    session.error(op.id, 'token_invalid', 'A refreshed token must be for the same user');
    ctx.services.metrics.errors.inc({ code: 'token_invalid', surface: 'ws' });
    session.close(CloseCode.AuthFailed, 'token_invalid');
    return;
  }
  session.principal = principal;
  session.armExpiry(principal.expiresAt, ctx.services.runtime.now());
  const user = {
    id: principal.userId,
    name: principal.name,
    displayName: principal.displayName,
    admin: principal.admin,
  };
  session.reply(
    op.id === undefined
      ? { t: 'authed', user, exp: principal.expiresAt }
      : { t: 'authed', id: op.id, user, exp: principal.expiresAt },
  );
}

export async function join(ctx: GatewayContext, session: Session, op: JoinOp): Promise<void> {
  const { services, hub, limits } = ctx;
  const principal = session.principal!;
  const already = session.rooms.has(op.room);
  if (!already && session.rooms.size >= limits.maxRoomsPerConnection) {
    throw new AppError('too_many_rooms', `A connection joins at most ${limits.maxRoomsPerConnection} rooms`);
  }
  try {
    await ctx.access.join(principal, op.room);
  } catch (err) {
    // A re-join refused (membership revoked, role lowered, room gone): the room stops flowing here too.
    if (already) await dropRoom(ctx, session, op.room);
    throw err;
  }
  if (session.closed) return;
  if (!already) session.rooms.set(op.room, 'joining');
  // Live frames wait until `joined` is written, for a re-join (gap repair) too: one published after the
  // history read must follow the answer, or a client still waiting for the replay takes it as covered.
  session.startHold(op.room);
  try {
    if (!already) await hub.add(op.room, session);
    await ctx.seeder.ensure(op.room);
    const read = await services.history.read(op.room, { since: op.since, limit: limits.maxResumeMessages });
    if (session.closed) return;
    session.reply({
      t: 'joined',
      id: op.id,
      room: op.room,
      pos: read.top,
      missed: read.recoverable ? read.messages : [],
      reload: op.since !== undefined && !read.recoverable,
    });
  } catch (err) {
    if (!already) await dropRoom(ctx, session, op.room);
    else session.connection.writeMany(session.endHold(op.room)); // still joined: nothing is lost
    if (isAppError(err)) throw err;
    services.logger.error({ err, room: op.room }, 'join failed');
    throw new AppError('unavailable', 'The room is not available right now; try again');
  }
  // Frames that arrived while `joined` was prepared follow it, in order; the client drops offsets it has.
  session.connection.writeMany(session.endHold(op.room));
  if (!already) {
    session.rooms.set(op.room, 'joined');
    addPresence(ctx, session, op.room);
  }
}

export async function leave(ctx: GatewayContext, session: Session, op: LeaveOp): Promise<void> {
  if (!session.rooms.has(op.room))
    throw new AppError('not_joined', 'This connection has not joined the room');
  await dropRoom(ctx, session, op.room);
  session.reply({ t: 'left', id: op.id, room: op.room });
}

export async function send(
  ctx: GatewayContext,
  session: Session,
  op: SendOp,
  receivedAt: number,
): Promise<void> {
  const result = await ctx.send.send(
    { principal: session.principal!, isJoined: (room) => session.rooms.get(room) === 'joined', receivedAt },
    { room: op.room, cid: op.cid, text: op.text },
  );
  session.reply({
    t: 'ack',
    id: op.id,
    room: result.room,
    cid: result.cid,
    mid: result.mid,
    pos: result.pos,
    duplicate: result.duplicate,
  });
}

/** Heartbeat: keeps this connection's presence entries alive. */
export function refreshPresence(ctx: GatewayContext, session: Session): void {
  for (const [room, state] of session.rooms) if (state === 'joined') addPresence(ctx, session, room);
}

function addPresence(ctx: GatewayContext, session: Session, room: string): void {
  const { services, limits } = ctx;
  const p = session.principal;
  if (p === undefined || session.closed) return;
  const entry = {
    connectionId: session.id,
    userId: p.userId,
    name: p.name,
    node: services.config.nodeId,
    seenAt: services.runtime.now(),
  };
  services.presence
    .join(room, entry, limits.heartbeatMs * 2 + limits.idleTimeoutMs)
    .catch((err: unknown) => services.logger.warn({ err, room }, 'presence join failed'));
}

async function dropRoom(ctx: GatewayContext, session: Session, room: string): Promise<void> {
  session.rooms.delete(room);
  session.endHold(room);
  await ctx.hub.remove(room, session);
  await ctx.services.presence.leave(room, session.id).catch(() => {});
}
