/**
 * A room of fans on real sockets with the heartbeat and the fan-out on one fake clock, for the regression tests
 * that hold the fan-out to one socket write per flush (a `ping` riding the flush instead of a write of its own):
 * every fan's server-side write system calls are counted, and the frame types each client read are kept.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../../src/auth/principal.ts';
import { MemoryBroker } from '../../src/broker/memory.ts';
import { WsConnection } from '../../src/gateway/connection.ts';
import type { FanoutOptions } from '../../src/gateway/hub.ts';
import { Session } from '../../src/gateway/session.ts';
import { SessionClock } from '../../src/gateway/session-clock.ts';
import { fakeScheduler } from './fake-scheduler.ts';
import { testHub } from './hub-fixtures.ts';
import { until } from './ws-fixtures.ts';

export const HEARTBEAT_LIMITS = { authTimeoutMs: 10_000, heartbeatMs: 25_000, idleTimeoutMs: 60_000 };

/** Counts the calls that hand bytes to the kernel: one `_write` or `_writev` per system call here. */
export function countWrites(socket: Socket): () => number {
  let calls = 0;
  const s = socket as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
  for (const name of ['_write', '_writev'] as const) {
    const real = s[name].bind(socket);
    s[name] = (...a: unknown[]) => {
      calls++;
      return real(...a);
    };
  }
  return () => calls;
}

/**
 * `fans` clients in the Hub's room 'room', each first pinged at the end of its first interval (25 s, then every
 * 25 s); the clock's lone pings go through the Hub's fan-out writer, as in the gateway.
 */
export async function heartbeatRoom(opts: { fans: number; fanout?: FanoutOptions }) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const clock = fakeScheduler(0);
  const hub = testHub(new MemoryBroker(), clock, opts.fanout);
  const sessions = new Set<Session>();
  const sc = new SessionClock(sessions, HEARTBEAT_LIMITS, clock, { random: () => 0, writer: hub.writer });
  const fans: { client: WebSocket; got: string[] }[] = [];
  const writes: (() => number)[] = [];
  const close = async () => {
    sc.stop();
    for (const f of fans) f.client.terminate();
    await new Promise((r) => wss.close(r));
  };
  try {
    for (let i = 0; i < opts.fans; i++) {
      const client = new WebSocket(`ws://127.0.0.1:${port}`);
      client.on('error', () => {});
      const got: string[] = [];
      client.on('message', (data: Buffer) => got.push((JSON.parse(data.toString()) as { t: string }).t));
      fans.push({ client, got });
      const [ws] = (await once(wss, 'connection')) as [WebSocket];
      ws.on('error', () => {});
      const session = new Session(`s${i}`, new WsConnection(`s${i}`, ws));
      session.principal = { userId: `u${i}` } as Principal;
      sessions.add(session);
      sc.opened(session);
      sc.expiresIn(session, 3_600_000);
      writes.push(countWrites((ws as unknown as { _socket: Socket })._socket));
      await hub.add('room', session);
    }
  } catch (err) {
    await close();
    throw err;
  }
  /** Waits (real time, bounded) until every client has read `n` frames. */
  const read = (n: number) =>
    until(() => fans.every((f) => f.got.length >= n), `every fan to read ${n} frames`);
  return { clock, hub, sessions, sc, fans, writes, read, close };
}
