/**
 * The Connection seam: what the Hub and outbox may do with a socket (write prepared frames, read the buffered
 * byte count, close with a code). Reading belongs to the ws handler; nothing else touches the ws library.
 */
import type { ServerFrame } from '@lightstick/protocol';
import { WebSocket } from 'ws';

/** A frame serialised once; the same bytes are written to every socket that gets it. */
export interface PreparedFrame {
  readonly text: string;
  readonly bytes: Buffer;
}

export function prepare(
  frame: ServerFrame,
  serialize: (f: ServerFrame) => string = JSON.stringify,
): PreparedFrame {
  const text = serialize(frame);
  return { text, bytes: Buffer.from(text, 'utf8') };
}

export interface Connection {
  readonly id: string;
  /** False once closing or closed: writes are then dropped (the client resumes from its position). */
  readonly open: boolean;
  write(frame: PreparedFrame): void;
  writeMany(frames: readonly PreparedFrame[]): void;
  /** Bytes queued for this socket and not yet handed to the kernel. */
  bufferedAmount(): number;
  close(code: number, reason?: string): void;
}

export class WsConnection implements Connection {
  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  write(frame: PreparedFrame): void {
    // A Buffer sent with binary:false is a text frame: no per-socket re-encoding of the string.
    if (this.open) this.ws.send(frame.bytes, { binary: false });
  }

  writeMany(frames: readonly PreparedFrame[]): void {
    for (const f of frames) this.write(f);
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  close(code: number, reason = ''): void {
    if (this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING) return;
    this.ws.close(code, reason);
  }

  /** Drops the socket without a close handshake (deadline reached). */
  terminate(): void {
    this.ws.terminate();
  }
}
