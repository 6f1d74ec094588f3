/**
 * The heartbeat's `ping` took a socket write of its own every 25 s, even for a fan in a live room who is written a
 * flush every second anyway: one more write system call per fan per heartbeat, which on loopback also runs the
 * client's side of TCP (at 100 000 fans over 6 gateways, 4 000 writes a second). A due `ping` now waits up to a
 * tenth of the heartbeat for the socket's next write and goes out in it; a quiet socket still gets it alone.
 * Real sockets (the write calls are counted on each server-side `net.Socket`), the room's flushes and the
 * heartbeat on one fake clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Principal } from '../../src/auth/principal.ts';
import { MemoryBroker } from '../../src/broker/memory.ts';
import { WsConnection } from '../../src/gateway/connection.ts';
import { Session } from '../../src/gateway/session.ts';
import { SessionClock } from '../../src/gateway/session-clock.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';
import { chatMessage, testHub } from '../support/hub-fixtures.ts';
import { countWrites } from '../support/count-writes.ts';

const LIMITS = { authTimeoutMs: 10_000, heartbeatMs: 25_000, idleTimeoutMs: 60_000 };
const FANS = 4;

test('regression: the ping takes a socket write of its own though the fan is written every second', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const clock = fakeScheduler(0);
  const hub = testHub(new MemoryBroker(), clock);
  const sessions = new Set<Session>();
  // Every first ping at the end of its first interval (random 0): due at 25 s, then 50 s.
  const sc = new SessionClock(sessions, LIMITS, clock, { random: () => 0 });
  const fans: { client: WebSocket; got: string[] }[] = [];
  const writes: (() => number)[] = [];
  try {
    for (let i = 0; i < FANS; i++) {
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

    // 60 s of a live room: a message every second. Each flush is one write to each fan.
    for (let s = 1; s <= 60; s++) {
      hub.onPublication('room', { kind: 'message', message: chatMessage(s) });
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setImmediate(r));
        clock.settle();
      }
      clock.advance(1000);
      for (const f of sessions) sc.touched(f); // the fans answer their pings
    }
    const deadline = Date.now() + 20_000;
    while (fans.some((f) => f.got.length < 62) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    for (const [i, f] of fans.entries()) {
      assert.equal(f.got.filter((t) => t === 'msgs').length, 60, `fan ${i}: every flush`);
      assert.equal(f.got.filter((t) => t === 'ping').length, 2, `fan ${i}: pinged at 25 and 50 s`);
      assert.equal(writes[i]!(), 60, `fan ${i}: one write per flush, the pings riding them`);
    }

    // The room falls quiet: the next ping (due at 75 s) goes alone, at most a tenth of the heartbeat and a tick late.
    clock.advance(15_000 + sc.rideMs + sc.tickMs);
    while (fans.some((f) => f.got.length < 63) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    for (const [i, f] of fans.entries()) {
      assert.equal(f.got.at(-1), 'ping', `fan ${i}`);
      assert.equal(writes[i]!(), 61, `fan ${i}: the quiet socket's ping is a write of its own`);
    }
  } finally {
    sc.stop();
    for (const f of fans) f.client.terminate();
    await new Promise((r) => wss.close(r));
  }
});
