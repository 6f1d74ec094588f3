/**
 * The heartbeat's tick wrote every `ping` that had waited its ride out (a tenth of the heartbeat) as a write of
 * its own, at once, even to members of a room whose pass was under way and about to write to them: a second write
 * system call for the same socket a moment apart (docs/benchmarks.md "Stop 40"). The tick now hands its lone pings
 * to the fan-out writer, behind the passes already queued, and a pass that reaches a member first takes its ping
 * along. Real sockets (the write calls counted on each server-side `net.Socket`), the pass and the heartbeat on
 * one fake clock, the pass in slices of two sockets.
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
const FANS = 8;

test('regression: a ping past its ride was written alone to members a pass under way was about to write to', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const clock = fakeScheduler(0);
  const hub = testHub(new MemoryBroker(), clock, {
    framesPerSecond: 1e6,
    maxIntervalMs: 1000,
    sliceSockets: 2,
  });
  const sessions = new Set<Session>();
  // Every first ping at the end of its first interval (random 0): due at 25 s, alone from 27.5 s.
  const sc = new SessionClock(sessions, LIMITS, clock, { random: () => 0, writer: hub.writer });
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
    // A quiet room: the pings are due at 25 s and wait for a write to ride; the tick at 28 s writes them alone.
    clock.advance(27_000);
    assert.ok(writes.every((w) => w() === 0));

    // The artist speaks at 27 s: the room's pass writes its first slice (two fans) and yields.
    hub.onPublication('room', { kind: 'message', message: chatMessage(1) });
    while (writes.every((w) => w() === 0) && clock.turn() > 0);
    assert.equal(writes.filter((w) => w() === 1).length, 2, 'the first slice');
    // The heartbeat's tick comes before the pass's next slice.
    clock.advance(1000);
    clock.settle();

    const deadline = Date.now() + 20_000;
    while (fans.some((f) => f.got.length < 2) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    for (const [i, f] of fans.entries()) {
      assert.deepEqual(f.got, ['msgs', 'ping'], `fan ${i}: the message, its ping riding it`);
      assert.equal(writes[i]!(), 1, `fan ${i}: one write, not a ping of its own before the pass reached it`);
    }

    // A quiet room's ping still goes alone: the next, due at 53 s, by the tick at 56 s, through the writer.
    for (const f of sessions) sc.touched(f);
    clock.advance(29_000);
    clock.settle();
    while (fans.some((f) => f.got.length < 3) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    for (const [i, f] of fans.entries()) {
      assert.equal(f.got.at(-1), 'ping', `fan ${i}`);
      assert.equal(writes[i]!(), 2, `fan ${i}: the quiet socket's ping is a write of its own`);
    }
  } finally {
    sc.stop();
    for (const f of fans) f.client.terminate();
    await new Promise((r) => wss.close(r));
  }
});
