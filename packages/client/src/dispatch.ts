/**
 * Frame dispatch of a RealtimeClient: applies each server frame the link hands over (`joined`, `left`,
 * `ack`, `msgs`, `error`) to the room streams, the join requests and the send window, and reports events.
 */
import type { ErrorFrame, JoinedFrame, ServerFrame } from '@lightstick/protocol';
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
  if (f.t !== 'msgs') return;
  const out = s.rooms.onMessages(f);
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
    const err = new RealtimeError(f.code, f.message, { room: req.room });
    if (s.joins.retry(req.room, f.code)) return s.emit('error', { error: err, fatal: false });
    s.rooms.remove(req.room);
    s.joins.settle(req.room, err);
    s.outbox.rejectWhere((p) => p.room === req.room, err);
    return s.emit('error', { error: err, fatal: false });
  }
  if (req?.kind === 'leave') return s.joins.finishLeave(f.id);
  const p = s.outbox.byRequest(f.id);
  const err = new RealtimeError(f.code, f.message, { retryAfterMs: f.retryAfterMs, room: p?.room });
  if (p) return s.sends.onRefused(p, err);
  s.emit('error', { error: err, fatal: false });
}
