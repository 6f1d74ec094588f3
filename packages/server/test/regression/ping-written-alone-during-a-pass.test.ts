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
import { chatMessage } from '../support/hub-fixtures.ts';
import { heartbeatRoom } from '../support/heartbeat-room.ts';

const FANS = 8;

test('regression: a ping past its ride was written alone to members a pass under way was about to write to', async () => {
  // Every first ping at the end of its first interval: due at 25 s, alone from 27.5 s.
  const { clock, hub, sessions, sc, fans, writes, read, close } = await heartbeatRoom({
    fans: FANS,
    fanout: { framesPerSecond: 1e6, maxIntervalMs: 1000, sliceSockets: 2 },
  });
  try {
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

    await read(2);
    for (const [i, f] of fans.entries()) {
      assert.deepEqual(f.got, ['msgs', 'ping'], `fan ${i}: the message, its ping riding it`);
      assert.equal(writes[i]!(), 1, `fan ${i}: one write, not a ping of its own before the pass reached it`);
    }

    // A quiet room's ping still goes alone: the next, due at 53 s, by the tick at 56 s, through the writer.
    for (const f of sessions) sc.touched(f);
    clock.advance(29_000);
    clock.settle();
    await read(3);
    for (const [i, f] of fans.entries()) {
      assert.equal(f.got.at(-1), 'ping', `fan ${i}`);
      assert.equal(writes[i]!(), 2, `fan ${i}: the quiet socket's ping is a write of its own`);
    }
  } finally {
    await close();
  }
});
