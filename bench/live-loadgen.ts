/**
 * A load-generator process for the `idle`, `live`, `broadcast` and `storm` scenarios (forked by
 * bench/live.ts, driven over IPC), for either engine: Lightstick (raw WebSocket, the wire protocol) or the
 * Socket.IO peer (socket.io-client over WebSocket). Sockets are spread over loopback source addresses.
 * Every message carries its send time and kind (`F` fan, `A` artist) in its text, so each receiving client
 * records the send-to-receive latency of every message it gets (log histograms, overall and per second of
 * send time), and loss is counted per message per client. Clients whose gateway dies reconnect to another
 * gateway (Lightstick resumes from the last position it holds; Socket.IO has no resume). The process also
 * reports its own event-loop delay and CPU, so a table shows when the load generator is what is slow.
 */
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { io, type Socket } from 'socket.io-client';
import { Decoder, Encoder, type Packet } from 'socket.io-parser';
import { inflateMessage } from '../packages/server/src/gateway/permessage-deflate.ts';
import { BUCKETS, bucketOf, newHist } from './hist.ts';

/** `floor`: fan-out with no engine (bench/peer/floor.mjs), which speaks to the Lightstick client. */
export type Engine = 'lightstick' | 'socketio' | 'floor';

export interface LiveClientSpec {
  /** Gateway URLs, its own first (ws://.../ws for Lightstick and the floor, http://... for Socket.IO). */
  urls: string[];
  token: string;
  room: string;
  /** 'fan' and 'artist' send during `run`; every client receives. */
  role: 'viewer' | 'fan' | 'artist';
}

export type ToLive =
  | {
      type: 'connect';
      engine: Engine;
      clients: LiveClientSpec[];
      localAddresses: string[];
      concurrency: number;
    }
  /** Counters from zero; messages sent before `since` (an earlier phase arriving late) are not counted. */
  | { type: 'reset'; since?: number }
  | {
      type: 'run';
      durationMs: number;
      fanRate: number;
      artistEveryMs: number;
      /** `heart` ops a second from each fan sender (Lightstick only: the peers count no hearts). */
      heartRate: number;
      t0: number;
    }
  | { type: 'one'; t0: number }
  | { type: 'stats' }
  | { type: 'stop' };

export interface LiveStats {
  open: number;
  failed: number;
  connectMs: number;
  sent: number;
  acked: number;
  /** Sends the server answered with an error frame (bench/owed.ts). */
  refused: number;
  errors: Record<string, number>;
  received: { fan: number; artist: number };
  hist: { ack: number[]; fan: number[]; artist: number[] };
  /** [second of send time since t0, fan histogram, artist histogram], sparse. */
  series: [number, number[], number[]][];
  /**
   * [second of send time since t0, histogram] of what clients that were never dropped received (fan and artist
   * messages): in a storm, how far the rooms on the surviving gateways fell behind while the dropped came back.
   */
  kept: [number, number[]][];
  /** Clients that lost their connection, and of those how many are back in their room. */
  dropped: number;
  back: number;
  /** When (Date.now()) each dropped client was back in its room: the storm's reconnect curve. */
  backAt: number[];
  /**
   * The steps of coming back (Date.now(), first time after each drop): the close seen, the new socket's `hello`
   * (connected and upgraded), `authed`. With `backAt` they show where a slow return waits.
   */
  steps: { lost: number[]; hello: number[]; authed: number[] };
  /** Distinct messages received by any client of this process. */
  ids: string[];
  /**
   * This process's own event-loop delay since the counters were reset, p99 (ms): how late it read what arrived.
   * A receiving client's latency includes it, so a table shows how much of a latency is the client's.
   */
  lagP99Ms: number;
  /** Its longest single delay (ms): a p99 over 10 ms samples does not show a few long stalls. */
  lagMaxMs: number;
  /** Garbage collection since the counters were reset: total and longest pause (ms). */
  gcMs: number;
  gcMaxMs: number;
  /** CPU this process used since the counters were reset, % of one core: near 100 it is the bottleneck. */
  cpuPct: number;
}

export type FromLive = { type: 'ok' } | { type: 'stats'; stats: LiveStats };

interface Client {
  spec: LiveClientSpec;
  send(text: string, onAck: (ok: boolean, code?: string) => void): boolean;
  /** Taps a heart (one `heart` op); undefined where the engine has no hearts. */
  heart?(): void;
  close(): void;
}

let engine: Engine = 'lightstick';
let localAddresses: string[] = ['127.0.0.2'];
const clients: Client[] = [];
let st = fresh();
let t0 = Date.now();
let countFrom = 0;
let stopping = false;
const series = new Map<number, [number[], number[]]>();
const kept = new Map<number, number[]>();
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let cpuFrom = { usage: process.cpuUsage(), at: performance.now() };
let gc = { ms: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.ms += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });

function fresh() {
  return {
    sent: 0,
    acked: 0,
    refused: 0,
    errors: {} as Record<string, number>,
    received: { fan: 0, artist: 0 },
    hist: { ack: newHist(), fan: newHist(), artist: newHist() },
    dropped: 0,
    back: 0,
    backAt: [] as number[],
    steps: { lost: [] as number[], hello: [] as number[], authed: [] as number[] },
    /** Distinct messages seen by any client of this process (the loss denominator). */
    ids: new Set<string>(),
  };
}

/**
 * Frames that many clients of this process receive byte for byte are parsed once per process (the last 256 kept):
 * a gateway serialises a room's flush once and writes the same bytes to every member, and Socket.IO's adapter
 * encodes a broadcast once too. A phone parses only its own frames on its own CPU; parsing every copy here made
 * the load generators the slowest readers on the machine: at 50 000 fans their sockets' receive queues filled,
 * the kernel hit its TCP memory limit and dropped segments (`TCPRcvQDrop`), and retransmissions, not the
 * servers, set the latencies (stop 18). Both engines' clients use it; nothing parsed here is modified.
 *
 * A frame is found by its length and last 64 characters (where positions and ids differ) and checked whole (a
 * memcmp). Stop 21's profile of the send phase at 20 000 fans x 20 msgs/s: a Map keyed by the whole text hashed
 * all ~1.4 KB of every copy (a sixth of the load generators' CPU), and turning every copy into a string first
 * (Buffer#toString) was 8 % more and most of their garbage, so Lightstick's clients pass the bytes as received.
 * Socket.IO's client hands its parser strings.
 */
const shared = new Map<string, { raw: string | Buffer; value: unknown }>();
function parseShared<T>(raw: string | Buffer, parse: (text: string) => T): T {
  const text = typeof raw === 'string';
  const key = sharedKey(raw);
  const hit = shared.get(key);
  if (hit !== undefined && (hit.raw === raw || (!text && (hit.raw as Buffer).equals(raw as Buffer))))
    return hit.value as T;
  const value = parse(String(raw));
  if (shared.size >= 256) shared.clear();
  // ws may hand over a view of its read buffer, so that is copied; an inflated frame is this process's own.
  shared.set(key, { raw: text || inflatedFrames.has(raw) ? raw : Buffer.from(raw), value });
  return value;
}

/** Where parseShared and inflateShared look a frame up: its length and last 64 characters. */
function sharedKey(raw: string | Buffer): string {
  if (typeof raw === 'string') return `s${raw.length}|${raw.slice(-64)}`;
  return `b${raw.length}|${raw.toString('latin1', Math.max(0, raw.length - 64))}`;
}

/**
 * Compressed frames (permessage-deflate, which Lightstick's gateways negotiate with no context takeover, so each
 * stands alone) are inflated once per process, for the reason frames are parsed once: a gateway compresses a
 * flush once and every member gets the same bytes. Each client's ws decompressor is replaced by this lookup
 * (`shareInflation`); ws inflating every copy with a zlib stream per socket is work a phone does for itself.
 */
const inflated = new Map<string, { raw: Buffer; out: Buffer }>();
const inflatedFrames = new WeakSet<Buffer>();
function inflateShared(data: Buffer): Buffer {
  const key = sharedKey(data);
  const hit = inflated.get(key);
  if (hit !== undefined && hit.raw.equals(data)) return hit.out;
  const out = inflateMessage([data]);
  inflatedFrames.add(out);
  if (inflated.size >= 256) inflated.clear();
  inflated.set(key, { raw: Buffer.from(data), out });
  return out;
}

/** Puts inflateShared in place of `ws`'s own decompressor, when the gateway accepted compression. */
function shareInflation(ws: WebSocket): void {
  type Ext = { decompress(data: Buffer, fin: boolean, cb: (err: Error | null, out?: Buffer) => void): void };
  const ext = (ws as unknown as { _extensions: Record<string, Ext | undefined> })._extensions[
    'permessage-deflate'
  ];
  if (ext === undefined) return;
  let parts: Buffer[] = [];
  ext.decompress = (data, fin, cb) => {
    parts.push(data);
    if (!fin) return process.nextTick(cb, null, Buffer.alloc(0));
    const whole = parts.length === 1 ? data : Buffer.concat(parts);
    parts = [];
    let out: Buffer;
    try {
      out = inflateShared(whole);
    } catch (err) {
      return process.nextTick(cb, err as Error);
    }
    // On the next tick, as ws's own: its frame parser is not re-entrant.
    process.nextTick(cb, null, out);
  };
}

/** Whether a Lightstick frame's bytes start `{"t":"msgs"` (the frames every member gets alike). */
const MSGS = Buffer.from('{"t":"msgs"');
function isMsgs(data: Buffer): boolean {
  if (data.length < MSGS.length) return false;
  for (let i = 0; i < MSGS.length; i++) if (data[i] !== MSGS[i]) return false;
  return true;
}

/** What a message's text says (kind, send time, id), worked out once per distinct text. */
interface Said {
  kind: 'fan' | 'artist';
  sentAt: number;
  id: string;
}
const said = new Map<string, Said | null>();
function saidBy(text: string): Said | null {
  let s = said.get(text);
  if (s === undefined) {
    const c = text.charCodeAt(0);
    const kind = c === 65 ? 'artist' : c === 70 ? 'fan' : undefined;
    const bar = text.indexOf('|', 2);
    s = kind ? { kind, sentAt: Number(text.slice(2, bar)), id: text.slice(bar + 1) } : null;
    if (said.size >= 100_000) said.clear();
    said.set(text, s);
  }
  return s;
}

/**
 * Deliveries are counted after the fact: a client's arrival is one push of its time onto the list of the frame it
 * got (the frame parsed once per process, parseShared), and what the frame's messages say, the histograms and the
 * loss sets are worked out when the stats are asked for, at the end of the phase. Stop 32's `live` 50 000 x 20
 * msgs/s: 15.3 million deliveries in 15 s, each counted on arrival (two Map look-ups, a Set add and three
 * histogram increments per message per client), and the load generators used a core between them while the
 * gateways sent one frame per viewer a second. A phone only renders its own messages; counting every client's
 * here made the load generators read late. The times are taken on arrival as before; only the arithmetic
 * moves. Both engines' clients use it (a Socket.IO event is a frame of one message).
 */
interface Arrivals {
  frame: object;
  texts: readonly string[];
  at: number[];
  neverDropped: boolean[];
}
const arrivalsOf = new WeakMap<object, Arrivals>();
let pending: Arrivals[] = [];

function arrive(frame: object, texts: () => readonly string[], now: number, neverDropped: boolean): void {
  let a = arrivalsOf.get(frame);
  if (a === undefined) {
    a = { frame, texts: texts(), at: [], neverDropped: [] };
    arrivalsOf.set(frame, a);
    pending.push(a);
  }
  a.at.push(now);
  a.neverDropped.push(neverDropped);
}

/** Counts the arrivals since the last call (before the stats are read). */
function countArrivals(): void {
  const todo = pending;
  pending = [];
  for (const a of todo) {
    arrivalsOf.delete(a.frame);
    for (const text of a.texts) {
      const m = counted(text);
      if (m !== null) for (let i = 0; i < a.at.length; i++) record(m, a.at[i]!, a.neverDropped[i]!);
    }
  }
}

/** What a message's text says, when it is one this phase counts (sent since the counters were reset). */
function counted(text: string): Said | null {
  const m = saidBy(text);
  return m === null || m.sentAt < countFrom ? null : m;
}

/** One message arrived at one client, at `now`. */
function onText(text: string, now = Date.now(), neverDropped = false): void {
  const m = counted(text);
  if (m !== null) record(m, now, neverDropped);
}

function record(m: Said, now: number, neverDropped: boolean): void {
  const b = bucketOf(now - m.sentAt);
  st.received[m.kind]++;
  st.ids.add(m.id);
  st.hist[m.kind][b]!++;
  const sec = Math.floor((m.sentAt - t0) / 1000);
  let s = series.get(sec);
  if (!s) series.set(sec, (s = [newHist(), newHist()]));
  s[m.kind === 'fan' ? 0 : 1][b]!++;
  if (!neverDropped) return;
  let k = kept.get(sec);
  if (!k) kept.set(sec, (k = newHist()));
  k[b]!++;
}

/** socket.io-parser's Decoder, parsing a broadcast event's packet once per process (parseShared). */
class SharedDecoder extends Decoder {
  override add(obj: unknown): void {
    // `2[...`: an EVENT on the main namespace with no ack id, the shape of `io.to(room).emit('msg', ...)`.
    if (typeof obj === 'string' && obj.startsWith('2[')) {
      const decode = (str: string) =>
        (this as unknown as { decodeString(s: string): Packet }).decodeString(str);
      this.emitReserved('decoded', parseShared(obj, decode));
      return;
    }
    super.add(obj);
  }
}
const sharedParser = { Encoder, Decoder: SharedDecoder };

const addr = (i: number) => localAddresses[i % localAddresses.length] as string;

interface Pos {
  epoch: string;
  offset: number;
}

/**
 * A message counts once per client, as the SDK shows it once (packages/client/src/rooms.ts): after a re-join the
 * live frames held during the join may repeat the end of the replay, and the client drops offsets it has. Counting
 * the repeats made the `storm` runs' loss negative and could hide real loss behind them.
 */
function isNew(held: Pos | undefined, pos: Pos): boolean {
  return isNewAt(held, pos.epoch, pos.offset);
}

/** `isNew` for a `msgs` frame's message (its offset, the frame's epoch), with no position made per message. */
function isNewAt(held: Pos | undefined, epoch: string, offset: number): boolean {
  return held === undefined || epoch !== held.epoch || offset > held.offset;
}

/** A Lightstick client: auth and join (with `since` after a reconnect) as it opens, then msgs frames. */
function lightstick(spec: LiveClientSpec, index: number): Promise<Client> {
  let ws: WebSocket;
  let ids = 1;
  let since: Pos | undefined;
  let urlIndex = 0;
  let dropped = false;
  let everDropped = false;
  /** The next step of coming back to record (after a drop). */
  let step: 'hello' | 'authed' | undefined;
  const acks = new Map<number, (ok: boolean, code?: string) => void>();
  return new Promise((resolve, reject) => {
    let settled = false;
    const client: Client = {
      spec,
      send(text, onAck) {
        if (ws.readyState !== WebSocket.OPEN) return false;
        const id = ids++;
        acks.set(id, onAck);
        ws.send(JSON.stringify({ op: 'send', id, room: spec.room, cid: `c${index}x${id}`, text }));
        return true;
      },
      heart() {
        if (ws.readyState === WebSocket.OPEN)
          ws.send(`{"op":"heart","room":${JSON.stringify(spec.room)},"count":1}`);
      },
      close() {
        ws.terminate();
      },
    };
    let joinId = 0;
    let rejoinTries = 0;
    const join = () => {
      joinId = ids++;
      ws.send(JSON.stringify({ op: 'join', id: joinId, room: spec.room, ...(since ? { since } : {}) }));
    };
    const open = () => {
      ws = new WebSocket(spec.urls[urlIndex % spec.urls.length] as string, {
        localAddress: addr(index),
        // Offered as a browser offers it; the client's own frames stay plain (ws compresses none this small).
        perMessageDeflate: { clientNoContextTakeover: true, serverNoContextTakeover: true },
      });
      ws.once('open', () => {
        shareInflation(ws);
        // As the SDK does (packages/client, link.ts): `auth` at once, not after `hello`, and the join right behind
        // it, not after `authed` (frames of a connection are handled in order): one round trip to the room.
        ws.send(JSON.stringify({ op: 'auth', id: ids++, token: spec.token }));
        join();
      });
      const timer = setTimeout(() => ws.terminate(), 60_000);
      // A way back that failed (refused upgrade, reset, a close before `joined`) is counted by why: the client
      // then tries another gateway.
      const failed = (why: string) => {
        if (dropped) st.errors[`reconnect:${why}`] = (st.errors[`reconnect:${why}`] ?? 0) + 1;
      };
      ws.on('error', (err) => failed(err.message.replace(/ [\d.]+:\d+$/, '') || 'error'));
      ws.on('close', (code: number) => {
        clearTimeout(timer);
        failed(`close ${code}`);
        for (const cb of acks.values()) cb(false, 'closed');
        acks.clear();
        if (stopping) return;
        if (!settled) {
          settled = true;
          return reject(new Error('closed before joining'));
        }
        if (!dropped) {
          st.dropped++;
          st.steps.lost.push(Date.now());
          step = 'hello';
        }
        dropped = true;
        everDropped = true;
        urlIndex = otherGateway(urlIndex, spec.urls.length);
        setTimeout(open, 200 + Math.random() * 1000);
      });
      ws.on('message', (data: Buffer) => {
        const f = (isMsgs(data) ? parseShared(data, JSON.parse) : JSON.parse(String(data))) as {
          t: string;
          id?: number;
          code?: string;
          // A `msgs` frame's messages carry their offset; the epoch is `upto`'s (protocol's LiveMessage).
          msgs?: { text: string; offset: number }[];
          missed?: { text: string; pos: Pos }[];
          upto?: Pos;
          pos?: Pos;
        };
        if (f.t === 'msgs') {
          const now = Date.now();
          const msgs = f.msgs ?? [];
          const first = msgs[0];
          const epoch = f.upto?.epoch ?? '';
          // Offsets rise within a frame, which holds one epoch: when the first is new to this client, every
          // message in it is new.
          if (first && isNewAt(since, epoch, first.offset))
            arrive(f, () => msgs.map((m) => m.text), now, !everDropped);
          else for (const m of msgs) if (isNewAt(since, epoch, m.offset)) onText(m.text, now, !everDropped);
          // Frames held while `joined` was prepared follow it and may end before it (their messages are ones the
          // replay had): the resume point only moves forward. Taking their `upto` moved it back, and the next
          // message was counted twice (the storm's negative loss, stop 19), which hid as much real loss.
          if (f.upto !== undefined && isNew(since, f.upto)) since = f.upto;
        } else if (f.t === 'ack' || (f.t === 'error' && f.id !== undefined && acks.has(f.id))) {
          const cb = acks.get(f.id as number);
          acks.delete(f.id as number);
          cb?.(f.t === 'ack', f.code);
        } else if (f.t === 'hello') {
          if (step === 'hello') {
            st.steps.hello.push(Date.now());
            step = 'authed';
          }
        } else if (f.t === 'authed') {
          if (step === 'authed') {
            st.steps.authed.push(Date.now());
            step = undefined;
          }
        } else if (f.t === 'joined') {
          clearTimeout(timer);
          rejoinTries = 0;
          for (const m of f.missed ?? []) if (isNew(since, m.pos)) onText(m.text);
          since = f.pos;
          if (!settled) {
            settled = true;
            resolve(client);
          } else if (dropped) {
            dropped = false;
            st.back++;
            st.backAt.push(Date.now());
          }
        } else if (f.t === 'error' && !settled) {
          settled = true;
          ws.terminate();
          reject(new Error(`refused: ${f.code}`));
        } else if (f.t === 'error' && f.id === joinId) {
          // A re-join refused after a reconnect (`unavailable` from a survivor under the storm, a limit): the
          // SDK tries again with backoff, and so does this client, counting why.
          const code = `rejoin:${f.code ?? '?'}`;
          st.errors[code] = (st.errors[code] ?? 0) + 1;
          const socket = ws;
          // Exponential backoff with full jitter, as the SDK does: a survivor refusing under the storm is
          // not asked again at once by every client it refused.
          const waitMs = Math.random() * Math.min(10_000, 500 * 2 ** rejoinTries++);
          setTimeout(() => socket === ws && ws.readyState === WebSocket.OPEN && join(), waitMs);
        } else if (f.t === 'ping') ws.send('{"op":"pong"}');
      });
    };
    open();
  });
}

/**
 * Where a dropped client reconnects: another gateway, at random, as a load balancer in front of the gateways
 * spreads new connections. Both engines' clients use it. (Moving to the next URL in the client's list sent every
 * client of a killed gateway to the same survivor: the `storm` of stop 15 measured one survivor taking 12 000.)
 */
function otherGateway(current: number, gateways: number): number {
  return gateways <= 1 ? current : current + 1 + Math.floor(Math.random() * (gateways - 1));
}

/** A Socket.IO client: connect over WebSocket, `join` with an ack, `msg` events. */
function socketio(spec: LiveClientSpec, index: number): Promise<Client> {
  let sock: Socket;
  let urlIndex = 0;
  let dropped = false;
  let everDropped = false;
  return new Promise((resolve, reject) => {
    let settled = false;
    const client: Client = {
      spec,
      send(text, onAck) {
        if (!sock.connected) return false;
        sock
          .timeout(60_000)
          .emit('send', spec.room, text, (err: unknown) => onAck(!err, err ? 'timeout' : undefined));
        return true;
      },
      close() {
        sock.disconnect();
      },
    };
    const open = () => {
      sock = io(
        spec.urls[urlIndex % spec.urls.length] as string,
        {
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
          timeout: 60_000,
          localAddress: addr(index),
          parser: sharedParser,
        } as Parameters<typeof io>[1],
      );
      sock.on('msg', (m: { text: string }) => arrive(m, () => [m.text], Date.now(), !everDropped));
      sock.on('connect', () => {
        sock.emit('join', spec.room, () => {
          if (!settled) {
            settled = true;
            resolve(client);
          } else if (dropped) {
            dropped = false;
            st.back++;
            st.backAt.push(Date.now());
          }
        });
      });
      const lost = () => {
        if (stopping) return;
        if (!settled) {
          settled = true;
          return reject(new Error('connect failed'));
        }
        if (!dropped) {
          st.dropped++;
          st.steps.lost.push(Date.now());
        }
        dropped = true;
        everDropped = true;
        urlIndex = otherGateway(urlIndex, spec.urls.length);
        sock.removeAllListeners();
        setTimeout(open, 200 + Math.random() * 1000);
      };
      sock.on('connect_error', lost);
      sock.on('disconnect', lost);
    };
    open();
  });
}

async function connectAll(msg: Extract<ToLive, { type: 'connect' }>): Promise<LiveStats> {
  engine = msg.engine;
  localAddresses = msg.localAddresses;
  const start = performance.now();
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < msg.clients.length) {
      const i = next++;
      const spec = msg.clients[i] as LiveClientSpec;
      try {
        clients.push(await (engine === 'socketio' ? socketio(spec, i) : lightstick(spec, i)));
      } catch (err) {
        // Counted by why (`refused: unknown_op`, `closed before joining`): a run whose clients all failed once
        // printed only the count, and a build that refused every frame looked like a slow one.
        failed++;
        const why = `connect:${(err as Error).message}`;
        st.errors[why] = (st.errors[why] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: msg.concurrency }, worker));
  return { ...stats(), failed, connectMs: Math.round(performance.now() - start) };
}

function sendOne(c: Client, kind: 'A' | 'F'): void {
  const at = Date.now();
  const s = st; // an ack arriving after a reset belongs to the phase that sent it
  const ok = c.send(`${kind}|${at}|${process.pid}.${s.sent}`, (acked, code) => {
    if (acked) {
      s.acked++;
      s.hist.ack[bucketOf(Date.now() - at)]!++;
    } else {
      s.errors[code ?? '?'] = (s.errors[code ?? '?'] ?? 0) + 1;
      // An error frame from the server (a limit, a bad frame): not stored, owed to no one. A send whose socket
      // closed or whose ack never came may have been stored; it stays owed (bench/owed.ts).
      if (code !== 'closed' && code !== 'timeout') s.refused++;
    }
  });
  if (ok) s.sent++;
}

/** Paced by the clock: each fan sender at `fanRate`/s and `heartRate` taps/s, the artist every `artistEveryMs`. */
async function run(msg: Extract<ToLive, { type: 'run' }>): Promise<void> {
  t0 = msg.t0;
  const fans = clients.filter((c) => c.spec.role === 'fan');
  const artists = clients.filter((c) => c.spec.role === 'artist');
  const start = Date.now();
  const sentBy = new Map<Client, number>();
  const tappedBy = new Map<Client, number>();
  let artistSent = 0;
  /** Does `act` for fan `k` as often as `rate` a second says it is owed by now (`done` counts what it did). */
  const catchUp = (
    done: Map<Client, number>,
    c: Client,
    k: number,
    rate: number,
    elapsed: number,
    act: () => void,
  ) => {
    // Senders are spread over the second, not all on the same tick.
    const due = Math.floor((rate * elapsed) / 1000 + k / fans.length);
    let n = done.get(c) ?? 0;
    for (; n < due; n++) act();
    done.set(c, n);
  };
  while (Date.now() - start < msg.durationMs) {
    const elapsed = Date.now() - start;
    for (const [k, c] of fans.entries()) {
      catchUp(sentBy, c, k, msg.fanRate, elapsed, () => sendOne(c, 'F'));
      if (msg.heartRate > 0 && c.heart !== undefined)
        catchUp(tappedBy, c, k, msg.heartRate, elapsed, () => c.heart?.());
    }
    if (msg.artistEveryMs > 0) {
      const due = Math.floor(elapsed / msg.artistEveryMs);
      for (; artistSent < due; artistSent++) for (const a of artists) sendOne(a, 'A');
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function cpuPercent(): number {
  const { user, system } = process.cpuUsage(cpuFrom.usage);
  return Math.round((user + system) / 10 / Math.max(1, performance.now() - cpuFrom.at));
}

function stats(): LiveStats {
  countArrivals();
  const sparse = (h: number[]) => h;
  return {
    open: clients.length,
    failed: 0,
    connectMs: 0,
    ...st,
    ids: [...st.ids],
    lagP99Ms: Math.round(lag.percentile(99) / 1e6),
    lagMaxMs: Math.round(lag.max / 1e6),
    cpuPct: cpuPercent(),
    gcMs: Math.round(gc.ms),
    gcMaxMs: Math.round(gc.maxMs),
    hist: { ack: sparse(st.hist.ack), fan: st.hist.fan, artist: st.hist.artist },
    series: [...series.entries()].map(([s, [f, a]]) => [s, f, a]),
    kept: [...kept.entries()],
  };
}

process.on('message', (msg: ToLive) => {
  const reply = (m: FromLive) => process.send?.(m);
  if (msg.type === 'connect') void connectAll(msg).then((stats) => reply({ type: 'stats', stats }));
  else if (msg.type === 'reset') {
    st = fresh();
    for (const a of pending) arrivalsOf.delete(a.frame); // the phase before's, as its counts are
    pending = [];
    countFrom = msg.since ?? 0;
    series.clear();
    kept.clear();
    lag.reset();
    cpuFrom = { usage: process.cpuUsage(), at: performance.now() };
    gc = { ms: 0, maxMs: 0 };
    reply({ type: 'ok' });
  } else if (msg.type === 'run') {
    reply({ type: 'ok' });
    void run(msg);
  } else if (msg.type === 'one') {
    t0 = msg.t0;
    for (const a of clients.filter((c) => c.spec.role === 'artist')) sendOne(a, 'A');
    reply({ type: 'ok' });
  } else if (msg.type === 'stats') reply({ type: 'stats', stats: stats() });
  else {
    stopping = true;
    for (const c of clients) c.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0)); // the parent went away: never outlive it
void BUCKETS;
