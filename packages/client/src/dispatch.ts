/**
 * Frame dispatch of a RealtimeClient: applies each server frame the link hands over (`joined`, `left`,
 * `ack`, `msgs`, `error`) to the room streams, the join requests and the send window, and reports events
 * (`live`, `stats`, `mode`, `deleted`, `pinned`, `spotlight`, `held`, `role`: passed on as they are; `ahead`
 * once per message, which `messages` then leaves out; `removed` when the server ended a membership on its own).
 */
import { expandMessages, type ErrorFrame, type JoinedFrame, type ServerFrame } from '@lightstick/protocol';
import { RealtimeError } from './errors.ts';
import type { Joins } from './joins.ts';
import type { Outbox } from './outbox.ts';
import type { Emit } from './realtime-types.ts';
import type { RoomStreams } from './rooms.ts';
import type { SendWindow } from './send-window.ts';

export interface Session {
  rooms: RoomStreams;
  outbox: Outbox;
  joins: Joins;
  sends: SendWindow;
  emit: Emit;
}

export function dispatchFrame(s: Session, f: ServerFrame): void {
  if (f.t === 'joined') return onJoined(s, f);
  if (f.t === 'left') return s.joins.finishLeave(f.id);
  if (f.t === 'error') return onError(s, f);
  if (f.t === 'ack') return s.sends.onAck(f);
  if (f.t === 'live') return s.emit('live', { room: f.room, live: f.live });
  if (f.t === 'stats') return s.emit('stats', f);
  if (f.t === 'mode') return s.emit('mode', f);
  if (f.t === 'deleted') return s.emit('deleted', f);
  if (f.t === 'pinned') return s.emit('pinned', f);
  if (f.t === 'spotlight') return s.emit('spotlight', f);
  if (f.t === 'held') return s.emit('held', f);
  if (f.t === 'ahead') {
    if (s.rooms.onAhead(f)) s.emit('ahead', { room: f.room, message: f.message });
    return;
  }
  if (f.t === 'role') return s.emit('role', f);
  if (f.t !== 'msgs') return;
  // The frame's messages leave out its room and epoch on the wire; everything from here on reads them whole.
  const out = s.rooms.onMessages(expandMessages(f));
  if (out.kind === 'gap') s.joins.send(f.room);
  else if (out.kind === 'deliver' && (out.messages.length > 0 || out.skipped > 0)) {
    s.emit('messages', { room: f.room, messages: out.messages, skipped: out.skipped, replay: false });
  }
}

function onJoined(s: Session, f: JoinedFrame): void {
  s.joins.forget(f.id);
  s.joins.stopRejoin(f.room);
  const out = s.rooms.onJoined(f);
  if (!out) return; // left while the join was in flight
  const pos = s.rooms.get(f.room)?.pos ?? f.pos;
  if (out.reload) s.emit('reload', { room: f.room, pos });
  if (out.missed.length > 0)
    s.emit('messages', { room: f.room, messages: out.missed, skipped: 0, replay: true });
  s.emit('joined', { room: f.room, pos, reload: out.reload });
  s.joins.joined(f.room, pos, out.reload);
  s.sends.flush();
}

function onError(s: Session, f: ErrorFrame): void {
  const req = s.joins.request(f.id);
  if (req?.kind === 'join') {
    s.joins.forget(f.id!);
    const err = new RealtimeError(f.code, f.message, { retryAfterMs: f.retryAfterMs, room: req.room });
    if (s.joins.retry(req.room, f.code, f.retryAfterMs)) return s.emit('error', { error: err, fatal: false });
    s.rooms.remove(req.room);
    s.joins.settle(req.room, err);
    s.outbox.rejectWhere((p) => p.room === req.room, err);
    return s.emit('error', { error: err, fatal: false });
  }
  if (req?.kind === 'leave') return s.joins.finishLeave(f.id);
  if (
    f.id === undefined &&
    f.room !== undefined &&
    s.rooms.get(f.room) &&
    (f.code === 'banned' || f.code === 'forbidden')
  ) {
    // The server took this connection out of the room (ban, demotion): forget it, do not join it again.
    const err = new RealtimeError(f.code, f.message, { room: f.room });
    s.rooms.remove(f.room);
    s.joins.stopRejoin(f.room);
    s.joins.settle(f.room, err);
    s.outbox.rejectWhere((p) => p.room === f.room, err);
    return s.emit('removed', { room: f.room, error: err });
  }
  const p = s.outbox.byRequest(f.id);
  // A frame that answers no request may still name its room (a timeout told by a moderator): keep it.
  const room = p?.room ?? f.room;
  const err = new RealtimeError(f.code, f.message, { retryAfterMs: f.retryAfterMs, room });
  if (p) return s.sends.onRefused(p, err);
  s.emit('error', { error: err, fatal: false });
}
