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
import { chatMessage } from '../support/hub-fixtures.ts';
import { heartbeatRoom } from '../support/heartbeat-room.ts';

const FANS = 4;

test('regression: the ping takes a socket write of its own though the fan is written every second', async () => {
  // Every first ping at the end of its first interval: due at 25 s, then 50 s.
  const { clock, hub, sessions, sc, fans, writes, read, close } = await heartbeatRoom({
    fans: FANS,
  });
  try {
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
    await read(62);
    for (const [i, f] of fans.entries()) {
      assert.equal(f.got.filter((t) => t === 'msgs').length, 60, `fan ${i}: every flush`);
      assert.equal(f.got.filter((t) => t === 'ping').length, 2, `fan ${i}: pinged at 25 and 50 s`);
      assert.equal(writes[i]!(), 60, `fan ${i}: one write per flush, the pings riding them`);
    }

    // The room falls quiet: the next ping (due at 75 s) goes alone, at most a tenth of the heartbeat and a tick late.
    clock.advance(15_000 + sc.rideMs + sc.tickMs);
    await read(63);
    for (const [i, f] of fans.entries()) {
      assert.equal(f.got.at(-1), 'ping', `fan ${i}`);
      assert.equal(writes[i]!(), 61, `fan ${i}: the quiet socket's ping is a write of its own`);
    }
  } finally {
    await close();
  }
});
