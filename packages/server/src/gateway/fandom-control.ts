/**
 * A gateway's handlers of moderation's control messages (moderation-events.ts), acting on local sockets at once:
 * - `fandom.room`: the `mode`, `deleted` or `pinned` frame to the room's local members on the priority lane,
 *   after forgetting what this process cached (modes, pins) and dropping a deleted message the fan delay holds;
 * - `fandom.access`: a ban takes the person out of every room of the community they hold here (error `banned`
 *   per room); a role change or leaving re-checks each such room with the new role (members-only rooms are
 *   left with `forbidden`); a timeout tells their connections there (`timed_out` with the time left); a role
 *   change, leaving or a lifted ban also tells each of their connections their role (`role` frame), in a room
 *   of that community or not, so a client shows or hides its tools without a reload;
 * - `fandom.filter`: the community's compiled filter is read again.
 */
import type { ErrorCode, ModeFrame, RoleFrame, ServerFrame } from '@lightstick/protocol';
import { ensureCanJoin } from '../auth/guards.ts';
import { isAppError } from '../errors.ts';
import type { Cached } from '../read-through-cache.ts';
import type { Logger } from '../observability/logger.ts';
import { prepare } from './connection.ts';
import type { ControlRegistry } from './control.ts';
import type { GatewayFandom } from './fandom.ts';
import type { Hub } from './hub.ts';
import './moderation-events.ts';
import type { Session } from './session.ts';

export interface FandomControlDeps {
  control: ControlRegistry;
  fandom: GatewayFandom;
  hub: Pick<Hub, 'publishLocal'>;
  sessions: Iterable<Session>;
  /** Takes a connection out of a room (the gateway's leaveRoom). */
  drop(session: Session, room: string): Promise<void>;
  /** Compiled word filters of this process, if it runs the send path. */
  filters?: Pick<Cached<unknown>, 'forget'>;
  now: () => number;
  logger: Logger;
}

export function registerFandomControl(deps: FandomControlDeps): () => void {
  const { control, fandom, hub } = deps;
  const toRoom = (room: string, frame: ServerFrame) =>
    hub.publishLocal(room, prepare(frame), { priority: true });
  const offs = [
    control.on('fandom.room', (data) => {
      const { room } = data;
      if (data.kind === 'mode') {
        fandom.modes.forget(room);
        fandom.fanDelay.setDelay(room, data.mode.fanDelayMs);
        const { room: _r, ...fields } = data.mode;
        toRoom(room, { t: 'mode', room, ...fields } satisfies ModeFrame);
      } else if (data.kind === 'deleted') {
        fandom.deleted(room, data.mids);
        toRoom(room, { t: 'deleted', room, mids: data.mids });
      } else {
        fandom.pins.forget(room);
        toRoom(room, { t: 'pinned', room, message: data.message });
      }
    }),
    control.on('fandom.access', async (data) => {
      if (data.kind === 'ban') fandom.remember(data.communityId, data.userId, { kind: 'ban' });
      else if (data.kind === 'role')
        fandom.remember(data.communityId, data.userId, { kind: 'role', role: data.role });
      else if (data.kind === 'lifted' && data.sanction === 'ban') {
        fandom.remember(data.communityId, data.userId, { kind: 'lifted' });
      }
      // After the rooms are re-checked: a client that acts on it (joins again) meets the new role.
      const told: RoleFrame | undefined =
        data.kind === 'role' || (data.kind === 'lifted' && data.sanction === 'ban')
          ? { t: 'role', community: data.communityId, role: data.role }
          : undefined;
      for (const s of deps.sessions) {
        const p = s.principal;
        if (p === undefined || p.userId !== data.userId || !s.active) continue;
        for (const g of fandom.roomsIn(s, data.communityId)) {
          const room = g.room.id;
          if (data.kind === 'ban') {
            await drop(s, room, 'banned', 'You are banned from this community');
          } else if (data.kind === 'timeout') {
            const left = Math.max(0, data.until - deps.now());
            s.reply({
              t: 'error',
              code: 'timed_out',
              message: 'You are timed out here',
              room,
              retryAfterMs: left,
            });
          } else if (data.kind === 'role') {
            const membership =
              data.role === null
                ? undefined
                : { communityId: data.communityId, userId: p.userId, role: data.role, joinedAt: 0 };
            try {
              g.role = ensureCanJoin(p, g.room, membership);
            } catch (err) {
              if (!isAppError(err)) throw err;
              await drop(s, room, err.code, err.message);
            }
          }
        }
        if (told !== undefined) s.reply(told);
      }
    }),
    control.on('fandom.filter', ({ communityId }) => deps.filters?.forget(communityId)),
  ];
  async function drop(s: Session, room: string, code: ErrorCode, message: string) {
    await deps.drop(s, room);
    fandom.left(s, room);
    s.reply({ t: 'error', code, message, room });
  }
  return () => offs.forEach((off) => off());
}
