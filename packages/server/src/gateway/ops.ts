/** The client operations after decoding: auth, join, leave, send, heart. Each throws AppError to answer an error. */
import {
  CloseCode,
  type AuthOp,
  type HeartOp,
  type JoinOp,
  type LeaveOp,
  type SendOp,
} from '@lightstick/protocol';
import { AppError, isAppError } from '../errors.ts';
import type { Principal } from '../auth/principal.ts';
import type { GatewayContext } from './context.ts';
import type { Session } from './session.ts';
import { prepareText } from './connection.ts';
import { joinedText } from './joined-frame.ts';
import { securityEvent } from '../observability/security-events.ts';
import { warmLanguageDetector } from '../chat/language.ts';

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
  ctx.clock.expiresIn(session, principal.expiresAt - ctx.services.runtime.now());
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
  // The id as this node already keeps it: each connection then holds the one string, not its own copy parsed from
  // its join frame (56 bytes of each connection, issue 6: heap snapshots of `idle`, docs/benchmarks.md).
  const room = hub.roomId(op.room);
  const already = session.rooms.has(room);
  if (!already && session.rooms.size >= limits.maxRoomsPerConnection) {
    throw new AppError('too_many_rooms', `A connection joins at most ${limits.maxRoomsPerConnection} rooms`);
  }
  ctx.joins.take(session);
  if (session.address !== undefined) ctx.addressJoins?.take(session.address);
  // The account's limit (Redis) and the access read (the cache, else PostgreSQL) are asked at once: in scale-out
  // mode each waits to leave with other fans' (gathered-calls.ts, pair-batches.ts), and one after the other a
  // join would wait for both windows.
  const granting = ctx.access.join(principal, room);
  granting.catch(() => {}); // when the limit refuses, that is the answer and this read's outcome nobody's
  await ctx.userJoins.take(principal.userId);
  if (session.closed) return;
  let grant;
  try {
    grant = await granting;
    // A ban or role change told moments ago wins over an access read that may come from a cache.
    grant.role = ctx.fandom.checkRecent(principal, grant);
  } catch (err) {
    // A re-join refused (membership revoked, role lowered, room gone): the room stops flowing here too.
    if (already) await dropRoom(ctx, session, room);
    throw err;
  }
  if (session.closed) return;
  if (!already) session.rooms.set(room, 'joining');
  // Live frames wait until `joined` is written, for a re-join (gap repair) too: one published after the
  // history read must follow the answer, or a client still waiting for the replay takes it as covered.
  session.startHold(room);
  let mode;
  try {
    // Read first: the node's fan delay gates the room's messages from its first member on.
    mode = await ctx.fandom.beforeJoin(room);
    if (!already) await hub.add(room, session);
    await ctx.seeder.ensure(room);
    const read = await services.broker.history(room, { since: op.since, limit: limits.maxResumeMessages });
    const seen = await ctx.fandom.replay(room, grant.role, read.recoverable ? read.messages : [], read.top);
    if (session.closed) return;
    const answer = { t: 'joined', id: op.id, room, pos: seen.top } as const;
    let frame = prepareText(joinedText(answer, seen.messages, op.since !== undefined && !read.recoverable));
    // The replay budget is charged the answer as sent, replay included; a replay that does not fit is not sent.
    if (seen.messages.length > 0 && !(await ctx.replay.take(principal.userId, frame.bytes.length))) {
      frame = prepareText(joinedText(answer, [], true));
      if (!session.replayRefused) {
        // Once per connection: an attacker's every join would otherwise be a log line.
        session.replayRefused = true;
        securityEvent(services.logger, 'rate_limited', {
          user: principal.userId,
          code: 'rate_limited',
          why: 'replay_budget',
          room,
        });
      }
    }
    if (session.closed) return;
    session.connection.reply(frame);
  } catch (err) {
    if (!already) await dropRoom(ctx, session, room);
    else session.connection.writeMany(session.endHold(room)); // still joined: nothing is lost
    if (isAppError(err)) throw err;
    services.logger.error({ err, room }, 'join failed');
    throw new AppError('unavailable', 'The room is not available right now; try again');
  }
  // Frames that arrived while `joined` was prepared follow it, in order; the client drops offsets it has.
  session.connection.writeMany(session.endHold(room));
  if (!already) session.rooms.set(room, 'joined');
  // The room will talk: the language detector loads now, on a later turn, not on its first line (language.ts).
  warmLanguageDetector();
  await ctx.fandom.joined(session, { room: grant.room, role: grant.role }, mode);
}

/** Heart taps: counted up to the person's rate, never answered (the room's `stats` frame shows them). */
export function heart(ctx: GatewayContext, session: Session, op: HeartOp): void {
  ctx.fandom.heart(session, op);
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
    {
      room: op.room,
      cid: op.cid,
      text: op.text,
      ...(op.replyTo !== undefined ? { replyTo: op.replyTo } : {}),
    },
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

/** Takes the connection out of a room (a refused re-join, or a ban/demotion from another node). */
export const leaveRoom = (ctx: GatewayContext, session: Session, room: string) =>
  dropRoom(ctx, session, room);

async function dropRoom(ctx: GatewayContext, session: Session, room: string): Promise<void> {
  session.rooms.delete(room);
  ctx.fandom.left(session, room);
  session.endHold(room);
  await ctx.hub.remove(room, session);
}
