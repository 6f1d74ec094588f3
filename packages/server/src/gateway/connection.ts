/**
 * The Connection seam: what the Hub and outbox may do with a socket (write prepared frames, read the buffered
 * byte count, pause and resume reading, close with a code). Reading belongs to the ws handler; nothing else
 * touches the ws library but permessage-deflate.ts, which the handler calls once a socket is open.
 */
import type { ServerFrame } from '@lightstick/protocol';
import { WebSocket } from 'ws';
import { deflatedWireOf } from './permessage-deflate.ts';
import { wsFrame } from './ws-frame.ts';

/** A frame serialised once; the same bytes are written to every socket that gets it. */
export interface PreparedFrame {
  readonly text: string;
  readonly bytes: Buffer;
  /** The whole WebSocket frame (header + payload), built on first use and shared by every socket. */
  wire?: Buffer;
  /** The same compressed (permessage-deflate.ts), or null when it is not; built on first use. */
  deflated?: Buffer | null;
}

export function prepare(frame: ServerFrame): PreparedFrame {
  return prepareText(JSON.stringify(frame));
}

/** A frame whose JSON text is already made (ephemeral frames from other nodes). */
export function prepareText(text: string): PreparedFrame {
  return { text, bytes: Buffer.from(text, 'utf8'), wire: undefined, deflated: undefined };
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

/**
 * The frame as written to a socket that did not negotiate compression: text, final, unmasked (ws-frame.ts says
 * why it is built here). Writing to the socket directly keeps order with ws's own writes because ws, never asked
 * to compress (permessage-deflate.ts), writes synchronously too; while ws has something queued the frame goes
 * through ws.send instead.
 */
export function wireOf(frame: PreparedFrame): Buffer {
  return (frame.wire ??= wsFrame(0x81, frame.bytes));
}

interface WsInternals {
  _socket?: {
    write(b: Buffer): boolean;
    cork(): void;
    uncork(): void;
    destroyed: boolean;
    writableCorked: number;
  };
  _sender?: { _queue?: unknown[] };
}

export class WsConnection implements Connection {
  private paused_ = false;
  /** A frame that goes out with this socket's next write (`owe`), or alone when `payOwed` is called first. */
  private owed: PreparedFrame | undefined;

  /**
   * `deflateMinBytes`: the smallest frame sent compressed, when the client negotiated permessage-deflate
   * (`acceptDeflate`); undefined: every frame plain.
   */
  constructor(
    readonly id: string,
    private readonly ws: WebSocket,
    private readonly deflateMinBytes?: number,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get paused(): boolean {
    return this.paused_;
  }

  write(frame: PreparedFrame): void {
    if (this.owed !== undefined) return this.writeMany([frame]);
    this.put(frame);
  }

  /**
   * `frame` rides this socket's next write, in the same system call; `payOwed` writes it alone if none came.
   * The heartbeat's `ping` (session-clock.ts): a fan in a live room is written a flush every second or so, and a
   * `ping` of its own every 25 s was one more write system call per fan, each of which on loopback also runs
   * the client's side of TCP (issue 6, docs/benchmarks.md "Stop 37").
   */
  owe(frame: PreparedFrame): void {
    this.owed = frame;
  }

  /** Whether a frame waits for this socket's next write (`owe`). */
  get owing(): boolean {
    return this.owed !== undefined;
  }

  /** Writes the owed frame alone if no write took it along; true if it wrote. */
  payOwed(): boolean {
    const owed = this.owed;
    if (owed === undefined) return false;
    this.owed = undefined;
    this.put(owed);
    return true;
  }

  private put(frame: PreparedFrame): void {
    if (!this.open) return;
    const raw = this.ws as unknown as WsInternals;
    const socket = raw._socket;
    if (socket !== undefined && !socket.destroyed && (raw._sender?._queue?.length ?? 0) === 0) {
      const min = this.deflateMinBytes;
      socket.write((min !== undefined && deflatedWireOf(frame, min)) || wireOf(frame));
    } else {
      // A Buffer sent with binary:false is a text frame: no per-socket re-encoding of the string. Uncompressed:
      // ws would deflate it with a zlib stream of this socket's own.
      this.ws.send(frame.bytes, { binary: false, compress: false });
    }
  }

  /**
   * A frame answering this connection's own operations (hello, authed, joined, mode, pinned, errors): the
   * replies written in one tick leave in one system call. The socket is corked at the first and uncorked once
   * the tick's promise chain has run (process.nextTick runs after it). A connect and join wrote five or six
   * frames, each its own write, and on loopback each write also runs the client's side of TCP: writes were a
   * third of a gateway's CPU while fans connected (issue 6, docs/benchmarks.md). Fan-out is not deferred.
   *
   * A reply goes plain, however large (a `joined` with a replay): compression pays off on a frame many sockets
   * share (permessage-deflate.ts), while a reply would be deflated for its one socket, and the replies come all
   * at once when a dead gateway's clients resume on the others.
   */
  reply(frame: PreparedFrame): void {
    const socket = (this.ws as unknown as WsInternals)._socket;
    if (socket !== undefined && !socket.destroyed) corkForTick(socket);
    frame.deflated ??= null;
    this.write(frame);
  }

  writeMany(frames: readonly PreparedFrame[]): void {
    const owed = this.owed;
    if (frames.length === 1 && owed === undefined) return this.put(frames[0]!);
    const socket = (this.ws as unknown as WsInternals)._socket;
    socket?.cork();
    for (const f of frames) this.put(f);
    if (owed !== undefined && this.open) {
      this.owed = undefined;
      this.put(owed);
    }
    socket?.uncork();
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Stops reading the socket: the client's frames wait in TCP buffers (backpressure), nothing is dropped. */
  pause(): void {
    if (this.paused_ || !this.open) return;
    this.paused_ = true;
    this.ws.pause();
  }

  resume(): void {
    if (!this.paused_) return;
    this.paused_ = false;
    this.ws.resume();
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

/**
 * Corks `socket` until the current tick's promise chain has run (WsConnection.reply says why); a socket corked
 * already is left to whoever corked it, whose uncork flushes these writes too.
 */
export function corkForTick(socket: { cork(): void; uncork(): void; writableCorked: number }): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  process.nextTick(uncorkSocket, socket);
}

function uncorkSocket(socket: { uncork(): void }): void {
  socket.uncork();
}
