/**
 * The fan-out engine on a fake clock: a room's flush interval grows with the node's delivery load and shrinks
 * back, the priority lane is never delayed, writes go out in slices with other work between them, and what
 * arrives while a pass is under way joins it (the members not reached yet get it with the rest, in one frame).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, MessagesFrame } from '@lightstick/protocol';
import type { FanoutOptions, Hub } from '../../src/gateway/hub.ts';
import { FlushPacer } from '../../src/gateway/pacer.ts';
import { prepare } from '../../src/gateway/connection.ts';
import type { FakeScheduler } from '../support/fake-scheduler.ts';
import { chatMessage, hubOnFakeClock } from '../support/hub-fixtures.ts';
import { Sink as BaseSink } from './chat-support.ts';

class Sink extends BaseSink {
  /** Offsets of every message received, frame by frame. */
  frames(): number[][] {
    return this.written.map((f) => {
      const parsed = JSON.parse(f.text) as MessagesFrame | { t: string };
      return parsed.t === 'msgs' ? (parsed as MessagesFrame).msgs.map((m) => m.offset) : [-1];
    });
  }
}

let offset = 0;
const msg = (priority = false): ChatMessage => chatMessage(++offset, { priority });

const setup = (fanout: Partial<FanoutOptions>, members: number) =>
  hubOnFakeClock(fanout, members, (id) => new Sink(id));

/** Publishes `rate` fan messages per second for `ms`, moving the clock between them. */
function load(hub: Hub, clock: FakeScheduler, rate: number, ms: number): void {
  const step = 1000 / rate;
  for (let t = 0; t < ms; t += step) {
    hub.onPublication('room', { kind: 'message', message: msg() });
    clock.settle();
    clock.advance(step);
  }
}

describe('fan-out engine', () => {
  test('light load: a message goes out on the next loop turn, one frame for what arrived in the turn', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 10);
    const a = msg();
    const b = msg();
    hub.onPublication('room', { kind: 'message', message: a });
    hub.onPublication('room', { kind: 'message', message: b });
    assert.equal(sinks[0]!.written.length, 0);
    clock.turn();
    for (const s of sinks) assert.deepEqual(s.frames(), [[a.pos.offset, b.pos.offset]]);
    assert.equal(hub.pacer.interval(), 0);
    await broker.close();
  });

  test('the flush interval grows with the delivery load and shrinks back when it falls', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 100);
    // 100 members x 20 msgs/s = 2,000 frames/s demanded on a 1,000 frames/s budget: 10 flushes/s, 100 ms.
    load(hub, clock, 20, 3000);
    assert.equal(Math.round(hub.pacer.interval()), 100);
    const before = sinks[0]!.written.length;
    load(hub, clock, 20, 1000);
    const framesInASecond = sinks[0]!.written.length - before;
    assert.ok(framesInASecond >= 9 && framesInASecond <= 11, `${framesInASecond} frames for 20 messages`);

    // Four times the members: four times the interval (one busy room: I = 1000 * members / budget).
    for (let i = 0; i < 300; i++) await hub.add('room', new Sink(`more${i}`));
    load(hub, clock, 20, 2000);
    assert.equal(Math.round(hub.pacer.interval()), 400);

    // Still more load than the budget allows at the longest interval: capped.
    for (let i = 0; i < 1600; i++) await hub.add('room', new Sink(`many${i}`));
    load(hub, clock, 20, 2000);
    assert.equal(hub.pacer.interval(), 1000);

    // The load stops: the rate decays and the interval is back to 0; a message goes out on the next turn.
    clock.advance(10_000);
    assert.equal(hub.pacer.interval(), 0);
    const quiet = msg();
    const n = sinks[0]!.written.length;
    hub.onPublication('room', { kind: 'message', message: quiet });
    clock.turn();
    assert.deepEqual(sinks[0]!.frames().slice(n), [[quiet.pos.offset]]);
    await broker.close();
  });

  test('nothing is lost or reordered while flushes are spaced out', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 200);
    const first = offset + 1;
    load(hub, clock, 50, 3000);
    clock.advance(2000);
    const got = sinks[7]!.frames().flat();
    assert.deepEqual(
      got,
      Array.from({ length: 150 }, (_, i) => first + i),
    );
    assert.ok(sinks[7]!.written.length < 150 / 2, `${sinks[7]!.written.length} frames for 150 messages`);
    await broker.close();
  });

  test('the priority lane is never delayed, whatever the interval', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 500);
    load(hub, clock, 20, 3000);
    const interval = hub.pacer.interval();
    assert.ok(interval >= 400, `interval ${interval}`);
    // Let the pending flush go out, then a fan message waits for the interval...
    clock.advance(interval);
    const n = sinks[0]!.written.length;
    const fan = msg();
    hub.onPublication('room', { kind: 'message', message: fan });
    clock.settle();
    assert.equal(sinks[0]!.written.length, n, 'fan message waits for the interval');
    // ...and an artist message goes out on the next loop turn, with the fan message before it (order kept).
    const artist = msg(true);
    hub.onPublication('room', { kind: 'message', message: artist });
    clock.turn();
    for (const s of sinks) assert.deepEqual(s.frames().slice(n), [[fan.pos.offset, artist.pos.offset]]);
    // A priority ephemeral frame too.
    hub.publishLocal('room', prepare({ t: 'pong' }), { priority: true });
    clock.turn();
    assert.equal(sinks[0]!.written.length, n + 2);
    await broker.close();
  });

  test('writes go out in slices with other work between them; what arrives meanwhile joins the pass', async () => {
    const { clock, hub, sinks, broker } = await setup({ sliceSockets: 10 }, 35);
    const a = msg();
    hub.onPublication('room', { kind: 'message', message: a });
    clock.turn(); // the flush and its first slice
    assert.equal(sinks.filter((s) => s.written.length === 1).length, 10);
    // A message arriving while the flush is being written does not wait for the pass to end: the members not
    // reached yet get both in one frame, the others get it in the next pass.
    const b = msg();
    hub.onPublication('room', { kind: 'message', message: b });
    let between = 0;
    clock.setImmediate(() => between++); // a read, an ack: served between two slices
    clock.turn();
    assert.equal(between, 1);
    clock.settle();
    const [ab, ...only] = [[a.pos.offset, b.pos.offset], [a.pos.offset], [b.pos.offset]];
    for (const s of sinks.slice(0, 10)) assert.deepEqual(s.frames(), only, 'reached before b: a, then b');
    for (const s of sinks.slice(10)) assert.deepEqual(s.frames(), [ab], 'reached after b arrived: one frame');
    const writes = sinks.map((s) => s.writes);
    assert.deepEqual(writes, [...Array(10).fill(2), ...Array(25).fill(1)]);
    const merged = sinks.slice(10).map((s) => s.written[0]);
    assert.ok(new Set(merged).size === 1, 'the merge is prepared once for every member that gets it');
    await broker.close();
  });

  test('an ephemeral frame keeps its place among the messages', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 3);
    const a = msg();
    const b = msg();
    hub.onPublication('room', { kind: 'message', message: a });
    hub.onPublication('room', {
      kind: 'event',
      json: '{"t":"stats","room":"room","viewers":3}',
      priority: false,
    });
    hub.onPublication('room', { kind: 'message', message: b });
    clock.turn();
    assert.deepEqual(sinks[2]!.frames(), [[a.pos.offset], [-1], [b.pos.offset]]);
    assert.equal(sinks[0]!.written[1], sinks[1]!.written[1], 'serialised once per node');
    await broker.close();
  });
});

describe('FlushPacer', () => {
  test('several rooms: slow rooms send every message, fast rooms share what is left of the budget', () => {
    let now = 0;
    const pacer = new FlushPacer({ framesPerSecond: 10_000, maxIntervalMs: 5000 }, () => now);
    // room a: 1,000 members at 2 msgs/s (2,000 frames/s); room b: 1,000 members at 50 msgs/s.
    for (let t = 0; t < 5000; t += 20) {
      now = t;
      pacer.onMessage('b', 1000);
      if (t % 500 === 0) pacer.onMessage('a', 1000);
    }
    now = 5000;
    // (10,000 - ~2,000) / 1,000 = ~8 flushes/s for b: about 125 ms.
    const interval = pacer.interval();
    assert.ok(interval > 110 && interval < 140, `interval ${interval}`);
  });

  test('a room no faster than the paced flushes is not spaced out; the rate a message finds excludes it', () => {
    let now = 0;
    const pacer = new FlushPacer({ framesPerSecond: 1000, maxIntervalMs: 1000 }, () => now);
    // One room of 10 000 members at 0.5 msgs/s: 5 000 frames/s on a 1 000 budget, capped at 1 s (1 flush/s).
    for (let t = 0; t < 10_000; t += 2000) {
      now = t;
      pacer.onMessage('slow', 10_000);
    }
    assert.equal(pacer.interval(), 1000);
    assert.equal(pacer.intervalFor('slow'), 0, 'one message every 2 s: a 1 s interval saves no frame');
    assert.equal(pacer.intervalFor('unknown'), 0);
    // A burst: the second message in a few milliseconds finds a rate of about one a second, the third more.
    now += 5;
    pacer.onMessage('slow', 10_000);
    now += 5;
    pacer.onMessage('slow', 10_000);
    assert.equal(pacer.intervalFor('slow'), 1000, 'a burst waits the interval');
    // The load stops: no interval at all.
    now += 20_000;
    assert.equal(pacer.interval(), 0);
    assert.equal(pacer.intervalFor('slow'), 0);
  });
});

describe('latest frames (the viewer count)', () => {
  const stats = (viewers: number) =>
    prepare({ t: 'stats', room: 'room', viewers, hearts: 0, heartsPerSecond: 0 });
  const viewersSeen = (s: Sink) =>
    s.written.map((f) => JSON.parse(f.text) as { t: string; viewers?: number }).map((f) => f.viewers ?? f.t);
  const latest = { key: 'stats', waitMs: 5000 };

  test('one rides the next flush of messages; a newer one replaces it while it waits', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 10);
    hub.publishLocal('room', stats(1), { latest });
    clock.advance(1000);
    hub.publishLocal('room', stats(2), { latest });
    clock.advance(1000);
    assert.deepEqual(viewersSeen(sinks[0]!), [], 'within its wait it waits');
    hub.onPublication('room', { kind: 'message', message: msg() });
    clock.turn();
    for (const s of sinks) assert.deepEqual(viewersSeen(s), [2, 'msgs'], 'the newest, in the same write');
    assert.equal(sinks[0]!.writes, 1);
    clock.advance(10_000);
    assert.equal(sinks[0]!.writes, 1, 'nothing left waiting');
    await broker.close();
  });

  test('with no flush it goes alone once its wait has passed; a message due sooner takes it along', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 10);
    hub.publishLocal('room', stats(1), { latest });
    clock.advance(4999);
    assert.deepEqual(viewersSeen(sinks[0]!), []);
    clock.advance(1);
    assert.deepEqual(viewersSeen(sinks[0]!), [1], 'alone, 5 s later');
    hub.publishLocal('room', stats(2), { latest });
    clock.advance(1000);
    hub.onPublication('room', { kind: 'message', message: msg() });
    clock.turn();
    assert.deepEqual(viewersSeen(sinks[0]!), [1, 2, 'msgs']);
    assert.equal(sinks[0]!.writes, 2);
    clock.advance(10_000);
    assert.equal(sinks[0]!.writes, 2, 'its own timer went with the flush');
    await broker.close();
  });

  test('a paced room: it waits for the paced flush, never sooner', async () => {
    const { clock, hub, sinks, broker } = await setup({}, 500);
    load(hub, clock, 20, 3000);
    const interval = hub.pacer.interval();
    assert.ok(interval >= 400, `interval ${interval}`);
    clock.advance(interval); // the pending flush goes out
    const n = sinks[0]!.written.length;
    hub.publishLocal('room', stats(7), { latest: { key: 'stats', waitMs: 0 } });
    clock.settle();
    assert.equal(sinks[0]!.written.length, n, 'not sooner than the pacer allows');
    clock.advance(interval);
    assert.deepEqual(viewersSeen(sinks[0]!).slice(n), [7], 'at the paced flush');
    await broker.close();
  });
});
