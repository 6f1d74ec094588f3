/**
 * One WebSocket attempt: opens, parses server frames, writes client frames, and watches for
 * silence. It reports its end exactly once through `onClose`, whether the socket closed, failed to
 * open, or went quiet past the idle timeout. Reconnecting is the RealtimeClient's job.
 */
import type { ClientFrame, ServerFrame } from '@lightstick/protocol';

/** The part of the WHATWG WebSocket the client uses; the browser's and the `ws` package's both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/**
 * A WebSocket constructor: the browser's `WebSocket`, or `WebSocket` from the `ws` package in Node.
 * Typed loosely because the two differ in their event types; the client only uses `SocketLike`.
 */
export type WebSocketCtor = new (url: string) => object;

export interface ConnectionHandlers {
  onOpen(): void;
  onFrame(frame: ServerFrame): void;
  /** A text frame that was not a JSON object with a `t`: reported, not acted on. */
  onBadFrame(raw: string): void;
  onClose(code: number, reason: string): void;
}

const OPEN = 1;
/** Reported when the connection is given up locally (silence, failed open): "abnormal closure". */
export const LOCAL_DEAD_CODE = 1006;

export class Connection {
  private readonly socket: SocketLike;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private ended = false;

  constructor(
    ctor: WebSocketCtor,
    url: string,
    private readonly handlers: ConnectionHandlers,
    private idleTimeoutMs: number,
  ) {
    this.socket = new ctor(url) as SocketLike;
    this.socket.onopen = () => {
      if (this.ended) return;
      this.touch();
      this.handlers.onOpen();
    };
    this.socket.onmessage = (ev) => this.receive(ev.data);
    this.socket.onclose = (ev) => this.end(ev.code, ev.reason);
    // Errors are always followed by a close event; a listener must stay attached (Node's ws throws otherwise).
    this.socket.onerror = () => undefined;
    this.touch();
  }

  get isOpen(): boolean {
    return !this.ended && this.socket.readyState === OPEN;
  }

  /** Writes one frame; false when the socket is not open (the caller keeps what must be resent). */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    try {
      this.socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** The server announced its own idle timeout in `hello`; silence past it means the link is dead. */
  setIdleTimeout(ms: number): void {
    this.idleTimeoutMs = ms;
    this.touch();
  }

  /** Closes the socket and reports `onClose(code, reason)` at once, without waiting for the peer. */
  close(code: number, reason: string, reportCode = code): void {
    if (this.ended) return;
    try {
      // Only 1000 and 3000-4999 may be sent by a client.
      this.socket.close(code === 1000 || (code >= 3000 && code < 5000) ? code : 1000, reason);
    } catch {
      // Already closing: nothing more to do.
    }
    this.end(reportCode, reason);
  }

  private receive(data: unknown): void {
    if (this.ended) return;
    this.touch();
    const raw = typeof data === 'string' ? data : String(data);
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      frame = undefined;
    }
    if (typeof frame === 'object' && frame !== null && typeof (frame as { t?: unknown }).t === 'string') {
      this.handlers.onFrame(frame as ServerFrame);
    } else {
      this.handlers.onBadFrame(raw.slice(0, 200));
    }
  }

  /** Any frame from the server (pings included) proves the link is alive. */
  private touch(): void {
    if (this.ended) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(1000, 'idle timeout', LOCAL_DEAD_CODE), this.idleTimeoutMs);
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.handlers.onClose(code, reason);
  }
}
