/**
 * permessage-deflate (RFC 7692) with no zlib state kept per socket. Compressed, a room's flush is about a
 * quarter of its bytes (a `msgs` frame of 50 fan messages: 14.2 KB → 3.1 KB; most of each message is keys and
 * ids that repeat), and at 100 000 fans the bytes are what runs out first: the clients' receive queues fill and
 * the kernel drops segments (issue 6, docs/benchmarks.md "Stop 52").
 *
 * Written by hand because `ws` compresses per socket: each socket that ever sends a compressed message keeps a
 * zlib stream (14–16 KiB measured at stop 39, more for deflate), and every recipient of a flush would deflate
 * the same bytes again. Here both directions negotiate no context takeover, so every message stands alone:
 *
 * - out: a PreparedFrame is deflated once, on its first write to a socket that negotiated the extension, and the
 *   same compressed frame goes to every such socket (`deflatedWireOf`); ws is never asked to compress;
 * - in: a compressed client message is inflated in one call with no stream kept (`OneShotDeflate` stands in for
 *   the socket's ws extension object), bounded by the frame limit so a small message cannot inflate into a large
 *   one.
 *
 * Both reach into ws 8's internals (`_extensions`, `_receiver`), as connection.ts does for writes; the unit tests
 * (test/unit/permessage-deflate.test.ts) fail if an upgrade of ws moves them.
 *
 * Compression is negotiated only when the client offers it; a client that does not still gets plain frames,
 * and a frame under `minBytes` is always sent plain (RFC 7692 lets a sender choose per message).
 */
import zlib from 'node:zlib';
import { CloseCode } from '@lightstick/protocol';
import type { PerMessageDeflateOptions, WebSocket } from 'ws';
import type { Config } from '../config/config.ts';
import { wsFrame } from './ws-frame.ts';

/** What a compressed message's payload leaves off and the receiver puts back (RFC 7692 section 7.2.1). */
const TRAILER = Buffer.from([0x00, 0x00, 0xff, 0xff]);
/**
 * Each message is deflated with a fresh zlib stream, so setting one up is paid every time, and it grows with the
 * window: with zlib's default (windowBits 15, 256 KiB of state) a frame of three messages took 95–127 µs to
 * deflate here, with an 8 KiB window (windowBits 13, 160 KiB) 24 µs, the most of it setting up. A flush of 50 fan
 * messages came out no larger (3 117 bytes against 3 133): its messages repeat within a few hundred bytes. A
 * client inflates any window up to the 15 bits negotiated. (Measured with the image's allocator settings,
 * config/allocator-env.ts, and without: 95 against 25 µs.)
 */
const DEFLATE = { windowBits: 13, memLevel: 8, finishFlush: zlib.constants.Z_SYNC_FLUSH } as const;
const EXTENSION = 'permessage-deflate';

/** The ws server's option: accept an offer with no context takeover either way; ws itself never compresses. */
export function deflateNegotiation(config: Config['wsDeflate']): PerMessageDeflateOptions | false {
  if (!config.enabled) return false;
  return {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    // ws compresses nothing of ours (every write passes compress: false); the threshold holds that if one did not.
    threshold: Number.MAX_SAFE_INTEGER,
  };
}

/** ws's per-socket extension object, as far as this file reads it: what was negotiated. */
interface NegotiatedDeflate {
  params: Record<string, unknown>;
}

/** ws's frame parser, whose errors carry the close code ws answers them with. */
interface Receiver {
  createError(
    ctor: RangeErrorConstructor,
    message: string,
    prefix: boolean,
    statusCode: number,
    errorCode: string,
  ): Error;
}

interface WsInternals {
  /** One object shared by the socket, its parser and its sender: the extension is looked up in it each time. */
  _extensions: Record<string, object | undefined>;
  _receiver: Receiver;
}

/**
 * Whether `ws` negotiated permessage-deflate in a form this file's frames fit (no server context takeover, the
 * server's window 15 bits: a client that asked for a smaller window gets plain frames). Where it was negotiated
 * at all, ws's extension object is swapped for a OneShotDeflate first. False when not negotiated.
 */
export function acceptDeflate(ws: WebSocket, maxPayload: number): boolean {
  const internals = ws as unknown as WsInternals;
  const ext = internals._extensions[EXTENSION] as NegotiatedDeflate | undefined;
  if (ext === undefined) return false;
  const { params } = ext;
  internals._extensions[EXTENSION] = new OneShotDeflate(internals._receiver, maxPayload);
  const bits = params.server_max_window_bits;
  return params.server_no_context_takeover === true && (bits === undefined || bits === 15);
}

/** What ws's sender reads of an extension before deciding to compress (it never is asked to). */
const NEGOTIATED = Object.freeze({ server_no_context_takeover: true, client_no_context_takeover: true });

/**
 * Stands in for ws's PerMessageDeflate on one socket once the handshake is done: the same methods, no zlib
 * stream. ws's own object kept the offer's parsed parameters (null-prototype dictionaries) and grew a zlib
 * stream on the first compressed message: 650 bytes more per socket than without the extension, measured, and
 * 14–16 KiB per socket that ever sent compressed (stop 39). This one holds two references.
 *
 * A message's fragments are gathered until the last one, then inflated in one call. The result is handed back
 * on the next tick, as ws's own is, because its frame parser is not re-entrant (a synchronous answer would run
 * its loop inside itself).
 */
class OneShotDeflate {
  /** The earlier fragments of a fragmented message (rare: browsers send whole messages); made when one comes. */
  private parts: Buffer[] | undefined = undefined;

  constructor(
    private readonly receiver: Receiver,
    private readonly maxPayload: number,
  ) {}

  // What ws's sender reads, on the prototype. With this threshold it never compresses a message (every write
  // also says not to), so it never calls a `compress` method, and this object has none.
  get params(): typeof NEGOTIATED {
    return NEGOTIATED;
  }
  get _isServer(): boolean {
    return true;
  }
  get _threshold(): number {
    return Number.MAX_SAFE_INTEGER;
  }

  decompress(data: Buffer, fin: boolean, callback: (err: Error | null, result?: Buffer) => void): void {
    if (!fin) {
      (this.parts ??= []).push(data);
      process.nextTick(callback, null, Buffer.alloc(0));
      return;
    }
    const parts = this.parts;
    this.parts = undefined;
    let out: Buffer;
    try {
      // One byte over the limit is enough to know it is over; ws's receiver answers that with 1009.
      out = inflateMessage(parts === undefined ? [data] : [...parts, data], this.maxPayload + 1);
    } catch (err) {
      const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      const error = this.receiver.createError(
        RangeError,
        tooBig ? 'Max payload size exceeded' : 'invalid compressed data',
        false,
        tooBig ? CloseCode.MessageTooBig : CloseCode.InvalidPayload,
        tooBig ? 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' : 'WS_ERR_INVALID_COMPRESSED_DATA',
      );
      process.nextTick(callback, error);
      return;
    }
    process.nextTick(callback, null, out);
  }

  /** Called by ws when the socket closes. */
  cleanup(): void {
    this.parts = undefined;
  }
}

/**
 * One compressed message inflated whole (its fragments' payloads in order, the trailer put back), with no zlib
 * stream kept; throws on data that does not inflate and, given `maxOutputLength`, on output past it.
 */
export function inflateMessage(parts: readonly Buffer[], maxOutputLength?: number): Buffer {
  return zlib.inflateRawSync(Buffer.concat([...parts, TRAILER]), {
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
    ...(maxOutputLength !== undefined ? { maxOutputLength } : {}),
  });
}

/** The parts of a PreparedFrame this file reads and fills (connection.ts). */
interface Deflatable {
  readonly bytes: Buffer;
  /** The compressed WebSocket frame, or null when compressing did not make it smaller; built on first use. */
  deflated?: Buffer | null;
}

/**
 * The frame compressed as one permessage-deflate message (header 0xC1: final, RSV1 set, text), made once per
 * frame and shared by every socket; null when the frame is under `minBytes` or compressing does not shrink it.
 */
export function deflatedWireOf(frame: Deflatable, minBytes: number): Buffer | null {
  if (frame.deflated !== undefined) return frame.deflated;
  if (frame.bytes.length < minBytes) return (frame.deflated = null);
  // A sync flush ends the data with the four bytes RFC 7692 says to leave off; no context is kept after it.
  const z = zlib.deflateRawSync(frame.bytes, DEFLATE);
  const n = z.length - TRAILER.length;
  if (n >= frame.bytes.length) return (frame.deflated = null);
  const wire = wsFrame(0xc1, z, n);
  frame.deflated = wire;
  return wire;
}
