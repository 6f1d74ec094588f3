/**
 * A browser WebSocket that notices a silent drop. A connection can stay "open" while nothing arrives (a
 * phone that changed network, a proxy that stopped forwarding); the server's heartbeat alone would show
 * "Live" for a minute. This wrapper sends the protocol's `ping` op whenever nothing has arrived for
 * PING_AFTER_MS, and when nothing at all arrives for DEADLINE_MS (or the browser reports going offline,
 * or an attempt does not open in time) it reports the socket closed (1006) at once, so the SDK's
 * RealtimeClient reconnects and resumes. It is passed to the SDK as its `WebSocket` constructor, so the
 * SDK needs no change.
 */
import type { SocketLike } from '@lightstick/client';

/** Quiet this long: ask the server for a `pong`. */
export const PING_AFTER_MS = 4_000;
/** Nothing at all this long (pings unanswered): the link is dead. Well inside the 15 s the fans are promised. */
export const DEADLINE_MS = 10_000;
/** An attempt that has not opened by then is given up (a proxy that accepts TCP and then says nothing). */
export const OPEN_DEADLINE_MS = 8_000;
const TICK_MS = 1_000;
const DEAD = 1006;

type Ev = { code: number; reason: string };

export class PingingSocket implements SocketLike {
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: Ev) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  private readonly ws: WebSocket;
  private lastRx = Date.now();
  private lastPing = 0;
  private readonly openedBy = Date.now() + OPEN_DEADLINE_MS;
  private readonly timer: ReturnType<typeof setInterval>;
  private ended = false;
  private readonly offline = () => this.die('browser offline');

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.onopen = (ev) => {
      this.lastRx = Date.now();
      this.onopen?.(ev);
    };
    this.ws.onmessage = (ev) => {
      this.lastRx = Date.now();
      this.onmessage?.({ data: ev.data });
    };
    this.ws.onerror = (ev) => this.onerror?.(ev);
    this.ws.onclose = (ev) => this.finish({ code: ev.code, reason: ev.reason });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    window.addEventListener('offline', this.offline);
  }

  get readyState(): number {
    return this.ended ? WebSocket.CLOSED : this.ws.readyState;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    try {
      this.ws.close(code, reason);
    } catch {
      // already closing
    }
  }

  private tick(): void {
    const now = Date.now();
    if (this.ws.readyState === WebSocket.CONNECTING) {
      if (now > this.openedBy) this.die('no answer while opening');
      return;
    }
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const quiet = now - this.lastRx;
    if (quiet >= DEADLINE_MS) return this.die('no answer to ping');
    if (quiet >= PING_AFTER_MS && now - this.lastPing >= PING_AFTER_MS) {
      this.lastPing = now;
      try {
        this.ws.send('{"op":"ping"}');
      } catch {
        // the close event follows
      }
    }
  }

  /** Gives the socket up without waiting for TCP to notice: the SDK sees a close and reconnects. */
  private die(reason: string): void {
    this.ws.onopen = this.ws.onmessage = this.ws.onclose = this.ws.onerror = null;
    this.close(1000, reason);
    this.finish({ code: DEAD, reason });
  }

  private finish(ev: Ev): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.timer);
    window.removeEventListener('offline', this.offline);
    this.onclose?.(ev);
  }
}
