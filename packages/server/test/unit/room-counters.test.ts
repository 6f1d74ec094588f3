/**
 * Room counters on a fake clock: each node writes its counters ONCE per interval whatever its sockets do
 * (joins, leaves, taps), the merged viewer count is right across nodes within one interval, and a room gets at
 * most one `stats` frame per interval, only when its counters changed, and a big room fewer (one write per member
 * each).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatsFrame } from '@lightstick/protocol';
import { RoomCounters } from '../../src/gateway/room-counters.ts';
import { MemoryBroker, MemoryBus } from '../../src/broker/memory.ts';
import { MemoryPresenceStore } from '../../src/presence/memory.ts';
import type { PresenceStore } from '../../src/presence/presence-store.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';
import { testHub } from '../support/hub-fixtures.ts';
import { Sink as BaseSink, silentLogger } from './chat-support.ts';

class Sink extends BaseSink {
  stats(): StatsFrame[] {
    return this.written.map((f) => JSON.parse(f.text) as StatsFrame).filter((f) => f.t === 'stats');
  }
}

const INTERVAL = 1000;

async function cluster(nodes: number, statsFramesPerSecond = 2000) {
  const clock = fakeScheduler(0);
  const bus = new MemoryBus();
  const store = new MemoryPresenceStore({
    now: () => clock.now(),
    id: () => 'x',
    random: () => Buffer.alloc(0),
  });
  const writes = new Map<string, number>();
  const presence: PresenceStore = {
    report: (node, report, ttl, rooms) => {
      writes.set(node, (writes.get(node) ?? 0) + 1);
      return store.report(node, report, ttl, rooms);
    },
    counts: (rooms) => store.counts(rooms),
    remove: (node) => store.remove(node),
    close: () => store.close(),
  };
  const made = await Promise.all(
    Array.from({ length: nodes }, async (_, i) => {
      const broker = new MemoryBroker({ nodeId: `n${i}`, bus });
      const hub = testHub(broker, clock);
      const counters = new RoomCounters({
        node: `n${i}`,
        presence,
        hub,
        logger: silentLogger(),
        scheduler: clock,
        intervalMs: INTERVAL,
        statsFramesPerSecond,
      });
      counters.start();
      return { hub, counters, broker };
    }),
  );
  /** Moves the clock by one interval and lets the reports (promises) and flushes finish. */
  const tick = async () => {
    clock.advance(INTERVAL);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      clock.settle();
    }
  };
  return { clock, nodes: made, writes, tick, store };
}

describe('room counters', () => {
  test('one write per node per interval, whatever the sockets do; merged viewers right within an interval', async () => {
    const { nodes, writes, tick } = await cluster(3);
    const members: Sink[][] = [[], [], []];
    // Interval 1: 150 joins spread over the nodes, a third of them leave again; hearts tapped all along.
    for (let i = 0; i < 150; i++) {
      const s = new Sink(`s${i}`);
      members[i % 3]!.push(s);
      await nodes[i % 3]!.hub.add('room', s);
      nodes[i % 3]!.counters.count('room', 'hearts');
    }
    for (let i = 0; i < 50; i++) await nodes[i % 3]!.hub.remove('room', members[i % 3]!.shift()!);
    await tick();
    assert.deepEqual(Object.fromEntries(writes), { n0: 1, n1: 1, n2: 1 });
    for (let k = 0; k < 4; k++) await tick();
    assert.deepEqual(Object.fromEntries(writes), { n0: 5, n1: 5, n2: 5 });
    // Every member on every node was told 100 viewers: in the first interval a node that reports before the
    // others sees only their previous reports, so the count is right from the second interval on; a frame
    // only when the count changed, so at most two in five intervals.
    for (const s of members.flat()) {
      const seen = s.stats().map((f) => f.viewers);
      assert.equal(seen.at(-1), 100, `${s.id}: ${JSON.stringify(seen)}`);
      assert.ok(seen.length <= 2, `${s.id}: ${JSON.stringify(seen)}`);
    }
  });

  test('a node that shuts down is removed from the counts at once; the survivors tell their members', async () => {
    const { nodes, tick } = await cluster(3);
    const sinks = [new Sink('a'), new Sink('b'), new Sink('c')];
    for (let i = 0; i < 3; i++) await nodes[i]!.hub.add('room', sinks[i]!);
    await tick();
    await tick();
    assert.deepEqual(sinks[0]!.stats().at(-1)?.viewers, 3);
    await nodes[2]!.counters.stop();
    await tick();
    assert.deepEqual(sinks[0]!.stats().at(-1)?.viewers, 2);
    assert.deepEqual(sinks[1]!.stats().at(-1)?.viewers, 2);
  });

  test('a crashed node (no report, no remove) is dropped from the counts three intervals later', async () => {
    const { nodes, tick, clock } = await cluster(2);
    const a = new Sink('a');
    const b = new Sink('b');
    await nodes[0]!.hub.add('room', a);
    await nodes[1]!.hub.add('room', b);
    await tick();
    await tick();
    assert.equal(a.stats().at(-1)?.viewers, 2);
    // n1 crashes: its timer never fires again (the process is gone), nothing removes it.
    (nodes[1]!.counters as unknown as { stopped: boolean }).stopped = true;
    clock.advance(1); // its already-armed timer is left in the past
    await tick();
    await tick();
    assert.equal(a.stats().at(-1)?.viewers, 2, 'within the ttl the last report still counts');
    await tick();
    await tick();
    assert.equal(a.stats().at(-1)?.viewers, 1);
  });

  test('a big room hears its stats less often: at most every members / budget seconds, with the merged totals', async () => {
    // Budget 1000 writes a second: a room of 4000 local members at most every 4 s, one of 10 every interval.
    const { nodes, tick } = await cluster(1, 1000);
    const big: Sink[] = [];
    const small = [new Sink('small-0'), new Sink('small-1')];
    for (let i = 0; i < 4000; i++) {
      const s = new Sink(`b${i}`);
      big.push(s);
      await nodes[0]!.hub.add('big', s);
    }
    for (const s of small) await nodes[0]!.hub.add('small', s);
    // Twelve intervals, the counts changing in each (a join to each room per interval, as in a connect storm).
    for (let k = 0; k < 12; k++) {
      const s = new Sink(`late${k}`);
      big.push(s);
      await nodes[0]!.hub.add('big', s);
      const t = new Sink(`small-late${k}`);
      small.push(t);
      await nodes[0]!.hub.add('small', t);
      await tick();
    }
    const bigSeen = big[0]!.stats().map((f) => f.viewers);
    assert.ok(bigSeen.length >= 2 && bigSeen.length <= 4, `big room: ${JSON.stringify(bigSeen)}`);
    const smallSeen = small[0]!.stats().map((f) => f.viewers);
    assert.equal(smallSeen.length, 12, `small room: ${JSON.stringify(smallSeen)}`);
    // Nothing lost: once the joins stop, the next frame due carries the final count.
    for (let k = 0; k < 5; k++) await tick();
    assert.equal(big[0]!.stats().at(-1)?.viewers, 4012);
    assert.equal(big.at(-1)!.stats().at(-1)?.viewers, 4012);
  });
});
