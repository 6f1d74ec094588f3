/**
 * One load-generator process (forked by bench/run.ts, driven over IPC). It opens raw WebSocket clients,
 * spreading them over loopback source addresses with ws's `localAddress` (one address has about 28 000
 * ephemeral ports per destination), authenticates, joins rooms, and then either sends at a fixed pace
 * (recording send-to-ack latency), counts delivered messages, or just stays connected. Everything it does is
 * bounded: a client count, a run time, and it exits when told to stop or when its parent goes away.
 */
import { WebSocket } from 'ws';

export interface ClientSpec {
  url: string;
  token: string;
  rooms: string[];
  /** Sends per second (0: receive only). The room it sends to is rooms[0]. */
  rate: number;
}

export type ToChild =
  | { type: 'connect'; clients: ClientSpec[]; localAddresses: string[]; concurrency: number }
  | { type: 'run'; durationMs: number; maxInFlight: number }
  | { type: 'stop' };

export interface RunStats {
  sent: number;
  acked: number;
  errors: Record<string, number>;
  delivered: number;
  /** Send-to-ack latency of every acknowledged send, ms. */
  latencies: number[];
  elapsedMs: number;
}

export type FromChild =
  { type: 'connected'; open: number; failed: number; ms: number } | { type: 'stats'; stats: RunStats };

interface Client {
  ws: WebSocket;
  spec: ClientSpec;
  ids: number;
  inFlight: Map<number, number>;
}

const clients: Client[] = [];
const counters = () => ({ sent: 0, acked: 0, errors: {} as Record<string, number>, delivered: 0 });
let current = counters();
let latencies: number[] = [];

function open(spec: ClientSpec, localAddress: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, { localAddress, perMessageDeflate: false });
    const c: Client = { ws, spec, ids: 1, inFlight: new Map() };
    let pendingJoins = spec.rooms.length;
    const fail = (why: string) => {
      ws.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail('connect timeout'), 30_000);
    ws.on('error', (err) => fail(err.message));
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { t: string; id?: number; code?: string; msgs?: unknown[] };
      if (f.t === 'msgs') current.delivered += f.msgs?.length ?? 0;
      else if (f.t === 'ack' || f.t === 'error') {
        const at = f.id === undefined ? undefined : c.inFlight.get(f.id);
        if (at !== undefined) {
          c.inFlight.delete(f.id as number);
          if (f.t === 'ack') {
            current.acked++;
            latencies.push(performance.now() - at);
          }
        }
        if (f.t === 'error') current.errors[f.code ?? '?'] = (current.errors[f.code ?? '?'] ?? 0) + 1;
        if (f.t === 'error' && pendingJoins > 0) fail(`join refused: ${f.code}`);
      } else if (f.t === 'hello') ws.send(JSON.stringify({ op: 'auth', id: c.ids++, token: spec.token }));
      else if (f.t === 'authed') {
        for (const room of spec.rooms) ws.send(JSON.stringify({ op: 'join', id: c.ids++, room }));
        if (pendingJoins === 0) done();
      } else if (f.t === 'joined' && --pendingJoins === 0) done();
      else if (f.t === 'ping') ws.send('{"op":"pong"}');
    });
    const done = () => {
      clearTimeout(timer);
      ws.removeAllListeners('error');
      ws.on('error', () => undefined);
      resolve(c);
    };
  });
}

async function connectAll(msg: Extract<ToChild, { type: 'connect' }>): Promise<FromChild> {
  const t0 = performance.now();
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < msg.clients.length) {
      const i = next++;
      const addr = msg.localAddresses[i % msg.localAddresses.length] as string;
      try {
        clients.push(await open(msg.clients[i] as ClientSpec, addr));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: msg.concurrency }, worker));
  return { type: 'connected', open: clients.length, failed, ms: Math.round(performance.now() - t0) };
}

async function run(durationMs: number, maxInFlight: number): Promise<FromChild> {
  current = counters();
  latencies = [];
  const t0 = performance.now();
  const senders = clients.filter((c) => c.spec.rate > 0);
  const TICK_MS = 5;
  const sentBy = new Map<Client, number>(senders.map((c) => [c, 0]));
  while (performance.now() - t0 < durationMs) {
    const elapsed = performance.now() - t0;
    for (const c of senders) {
      // Paced by the clock (a late timer does not lower the rate), with a bounded window: a slow server
      // shows as latency and fewer sends, not a pile-up. Sends more than half a second behind are let go.
      const due = Math.floor((c.spec.rate * elapsed) / 1000);
      let sent = Math.max(sentBy.get(c) ?? 0, due - Math.ceil(c.spec.rate / 2));
      while (sent < due && c.inFlight.size < maxInFlight && c.ws.readyState === WebSocket.OPEN) {
        const id = c.ids++;
        c.inFlight.set(id, performance.now());
        c.ws.send(`{"op":"send","id":${id},"room":"${c.spec.rooms[0]}","cid":"c${id}","text":"load ${id}"}`);
        current.sent++;
        sent++;
      }
      sentBy.set(c, sent);
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const elapsedMs = performance.now() - t0;
  // Let answers in flight arrive, so latency is not cut short at the end.
  await new Promise((r) => setTimeout(r, 1000));
  return { type: 'stats', stats: { ...current, latencies, elapsedMs } };
}

function stop(): void {
  for (const c of clients) c.ws.terminate();
  process.exit(0);
}

process.on('message', (msg: ToChild) => {
  const reply = (m: FromChild) => process.send?.(m);
  if (msg.type === 'connect') void connectAll(msg).then(reply);
  else if (msg.type === 'run') void run(msg.durationMs, msg.maxInFlight).then(reply);
  else stop();
});
process.on('disconnect', stop); // the parent went away: never outlive it
