/**
 * A paced room's message waited twice: for the room's next flush (up to the interval), and then for the pass over
 * the members to reach each one (up to the pass's length). A flush was taken every interval and its pass wrote it
 * member after member, so the member a pass reached last got a message that arrived just after a flush one
 * interval plus one pass later; what arrived while the pass went on waited for the next flush. On a saturated
 * box a pass takes most of the interval (docs/benchmarks.md, "Stop 33"), so fan p99 was close to twice it. The
 * pass now takes what the room gathered as it reaches each slice of members, and passes begin an interval apart:
 * each member is written at most once an interval, and a message waits about one interval for any member.
 *
 * The loop here costs time: every turn (a slice of the pass) takes 4 ms of the clock, so a pass over 1 000
 * members in slices of 20 takes 200 ms, half the room's 400 ms interval.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessagesFrame } from '@lightstick/protocol';
import { MemoryBroker } from '../../src/broker/memory.ts';
import type { Scheduler, TimerHandle } from '../../src/gateway/scheduler.ts';
import type { PreparedFrame } from '../../src/gateway/connection.ts';
import { chatMessage, testHub } from '../support/hub-fixtures.ts';
import { Sink } from '../unit/chat-support.ts';

interface Event {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A Scheduler on a clock where each loop turn (each `setImmediate`) takes `turnMs`; `run` plays it to `end`. */
function slowLoop(turnMs: number) {
  let now = 0;
  let seq = 0;
  const events: Event[] = [];
  const add = (at: number, fn: () => void) => {
    const e = { at, seq: seq++, fn, cancelled: false };
    events.push(e);
    return e;
  };
  const scheduler: Scheduler = {
    now: () => now,
    setTimeout: (fn, ms) => add(now + Math.max(0, ms), fn) as unknown as TimerHandle,
    clearTimeout: (h) => void ((h as unknown as Event).cancelled = true),
    setImmediate: (fn) => void add(now + turnMs, fn),
  };
  const run = (end: number) => {
    for (;;) {
      events.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = events[0];
      if (next === undefined || next.at > end) break;
      events.shift();
      if (next.cancelled) continue;
      now = next.at;
      next.fn();
    }
    now = end;
  };
  return { scheduler, at: add, run };
}

/** A member that notes when each message reached it. */
class TimedSink extends Sink {
  readonly reached = new Map<number, number>();
  constructor(
    id: string,
    private readonly clock: () => number,
  ) {
    super(id);
  }
  override writeMany(fs: readonly PreparedFrame[]) {
    super.writeMany(fs);
    for (const f of fs) {
      const frame = JSON.parse(f.text) as MessagesFrame;
      for (const m of frame.msgs ?? []) this.reached.set(m.offset, this.clock());
    }
  }
}

test('regression: a paced message waits the interval and then the pass', async (t) => {
  const loop = slowLoop(4);
  const broker = new MemoryBroker();
  // 1 000 members at 20 msgs/s want 20 000 frames/s; 2 500 allowed: the room's interval is 400 ms.
  const hub = testHub(broker, loop.scheduler, {
    framesPerSecond: 2500,
    maxIntervalMs: 1000,
    sliceSockets: 20,
  });
  const members = Array.from({ length: 1000 }, (_, i) => new TimedSink(`s${i}`, loop.scheduler.now));
  for (const s of members) await hub.add('room', s);

  const sentAt = new Map<number, number>();
  for (let offset = 1; offset <= 100; offset++) {
    loop.at(offset * 50, () => {
      sentAt.set(offset, loop.scheduler.now());
      hub.onPublication('room', { kind: 'message', message: chatMessage(offset) });
    });
  }
  loop.run(2000); // the rate average climbs; the interval with it
  const interval = hub.pacer.interval();
  assert.ok(interval > 380 && interval < 420, `the room is paced at ${interval} ms`);
  const writesBefore = members.map((s) => s.writes);
  loop.run(5000);
  loop.run(8000); // the last messages reach everyone
  const writes = members.map((s, i) => s.writes - writesBefore[i]!);

  // The messages sent in the steady part (2 to 5 s), at every member: none waited much more than the interval.
  let longest = 0;
  for (const [offset, at] of sentAt) {
    if (at < 2000 || at > 5000) continue;
    for (const s of members) {
      const reached = s.reached.get(offset);
      assert.ok(reached !== undefined, `message ${offset} reached ${s.id}`);
      longest = Math.max(longest, reached - at);
    }
  }
  // Before: up to the interval plus the pass (550 ms here). Now: the interval, a slice, and a turn to take it.
  t.diagnostic(
    `longest wait ${longest} ms, interval ${interval} ms, most writes to one member ${Math.max(...writes)}`,
  );
  assert.ok(longest <= interval + 20, `the longest wait was ${longest} ms at a ${interval} ms interval`);
  // Still at most one write per member an interval (3 s of sending and the tail: ~8 at 400 ms, plus the tail's).
  assert.ok(Math.max(...writes) <= 10, `${Math.max(...writes)} writes to one member in 3 s of sending`);
  for (const s of members) assert.equal(s.reached.size, 100, `${s.id} got every message`);
  await broker.close();
});
