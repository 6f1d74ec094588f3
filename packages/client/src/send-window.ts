/**
 * The send side of a RealtimeClient: checks a message, queues it in the outbox, and writes queued sends
 * through a small window. Refused sends are resent by themselves under the same client id: after the
 * rate limit's pause, after a backoff while the server is `unavailable`, or after joining the room again.
 */
import { graphemeLength, Limits, type AckFrame } from '@lightstick/protocol';
import { Backoff } from './backoff.ts';
import { ClientErrorCode, RealtimeError } from './errors.ts';
import type { Link } from './link.ts';
import type { Outbox, PendingSend, SendResult } from './outbox.ts';
import type { Emit } from './realtime-types.ts';
import { MAX_NOT_JOINED, MAX_UNAVAILABLE, UNAVAILABLE_BACKOFF } from './retry-policy.ts';
import type { RoomStreams } from './rooms.ts';

/**
 * Sends written and not yet answered. The server closes with 4029 after ten rate-limited sends in a row, so
 * a burst must never be written all at once: with a small window and a pause after `rate_limited`, at most
 * this many refusals come back before the client stops writing, and the first send after the pause passes.
 */
const MAX_SENDS_IN_FLIGHT = 4;

export interface SendWindowParts {
  link: Link;
  rooms: RoomStreams;
  outbox: Outbox;
  newCid: () => string;
  emit: Emit;
  /** Joins the room again (the server lost our membership). */
  rejoin: (room: string) => void;
}

export class SendWindow {
  /** Set while waiting out a `rate_limited` answer: no send is written until it fires. */
  private throttle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly parts: SendWindowParts) {}

  /** Checks and queues a message; resolves with the server's ack. */
  submit(room: string, text: string, replyTo?: string): Promise<SendResult> {
    const { link, rooms, outbox } = this.parts;
    const fail = (code: string, msg: string) => Promise.reject(new RealtimeError(code, msg, { room }));
    if (!link.running) return fail(ClientErrorCode.Closed, 'Client closed');
    if (!rooms.get(room)) return fail('not_joined', 'Join the room first');
    if (text.trim() === '') return fail('validation_failed', 'Message is empty');
    if (
      graphemeLength(text) > Limits.maxMessageChars ||
      new TextEncoder().encode(text).length > Limits.maxMessageBytes
    ) {
      return fail('message_too_long', `Message is longer than ${Limits.maxMessageChars} characters`);
    }
    return new Promise<SendResult>((resolve, reject) => {
      const cid = this.parts.newCid();
      outbox.add({
        cid,
        room,
        text,
        ...(replyTo !== undefined ? { replyTo } : {}),
        reqId: undefined,
        retryTimer: undefined,
        notJoined: 0,
        unavailable: 0,
        resolve,
        reject,
      });
      this.flush();
    });
  }

  /** Writes what is ready, oldest first, while the window has room and no rate limit is waited out. */
  flush(): void {
    const { link, rooms, outbox } = this.parts;
    if (!link.isAuthed || this.throttle !== undefined) return;
    for (const p of outbox.ready()) {
      if (outbox.inFlight >= MAX_SENDS_IN_FLIGHT) return;
      const s = rooms.get(p.room);
      if (!s?.active || s.joining) continue;
      const id = link.nextId();
      const frame = { op: 'send' as const, id, room: p.room, cid: p.cid, text: p.text };
      if (!link.send(p.replyTo !== undefined ? { ...frame, replyTo: p.replyTo } : frame)) return;
      outbox.markSent(p, id);
    }
  }

  onAck(f: AckFrame): void {
    const p = this.parts.outbox.byRequest(f.id);
    if (p) this.parts.outbox.resolve(p, { cid: f.cid, mid: f.mid, pos: f.pos, duplicate: f.duplicate });
    this.flush(); // the window has room again
  }

  /** The server refused send `p`: wait and resend, join again, or give up. */
  onRefused(p: PendingSend, err: RealtimeError): void {
    this.retryOrReject(p, err);
    this.flush(); // the window has room again (a no-op while throttled)
  }

  /** Stopped for good: no pause is waited out any more. */
  stop(): void {
    clearTimeout(this.throttle);
    this.throttle = undefined;
  }

  private retryOrReject(p: PendingSend, err: RealtimeError): void {
    const { outbox, emit } = this.parts;
    outbox.unsend(p);
    if (err.code === 'rate_limited') {
      // The limit is the user's, not this send's: every send waits (the refused one goes first after).
      const retryAfterMs = err.retryAfterMs ?? 1000;
      clearTimeout(this.throttle);
      this.throttle = setTimeout(() => {
        this.throttle = undefined;
        this.flush();
      }, retryAfterMs);
      return emit('throttled', { room: p.room, cid: p.cid, retryAfterMs });
    }
    if (err.code === 'unavailable' && ++p.unavailable <= MAX_UNAVAILABLE) {
      // The protocol's advice: retry with backoff under the same cid. A send refused after a timeout may
      // have been stored all the same; the same cid makes the resend an acknowledgement, not a copy.
      const backoff = new Backoff(UNAVAILABLE_BACKOFF);
      for (let i = 1; i < p.unavailable; i++) backoff.next();
      const retryAfterMs = Math.max(100, backoff.next());
      p.retryTimer = setTimeout(() => {
        p.retryTimer = undefined;
        this.flush();
      }, retryAfterMs);
      return emit('retrying', {
        room: p.room,
        cid: p.cid,
        code: err.code,
        attempt: p.unavailable,
        retryAfterMs,
      });
    }
    if (err.code === 'not_joined' && ++p.notJoined <= MAX_NOT_JOINED && this.parts.rooms.get(p.room)) {
      return this.parts.rejoin(p.room); // the server lost our membership: join again, then resend
    }
    outbox.reject(p, err);
  }
}
