/**
 * Heart taps on one node: each person counts at most the burst at once and the rate after it (taps above are
 * dropped), counted taps go into the room counters as a running total and a per-interval gauge, and the stats
 * frame carries hearts and heartsPerSecond once a room has any (a room without hearts keeps the plain frame).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FandomLimits } from '@lightstick/protocol';
import { Hearts, withHearts } from '../../src/gateway/hearts.ts';
import type { Counters } from '../../src/presence/presence-store.ts';
import type { StatsShaper } from '../../src/gateway/room-counters.ts';

function counters() {
  const adds = new Map<string, Counters>();
  const sources: ((room: string) => Counters | undefined)[] = [];
  let shaper: StatsShaper | undefined;
  return {
    adds,
    gauge: (room: string) => Object.assign({}, ...sources.map((s) => s(room))) as Counters,
    shaper: () => shaper!,
    count(room: string, name: string, n = 1) {
      const c = adds.get(room) ?? {};
      c[name] = (c[name] ?? 0) + n;
      adds.set(room, c);
    },
    contribute(s: (room: string) => Counters | undefined) {
      sources.push(s);
    },
    shape(s: StatsShaper) {
      shaper = s;
    },
  };
}

describe('hearts', () => {
  test('a person counts the burst at once, then the rate; taps above are dropped', () => {
    const c = counters();
    let now = 0;
    const h = new Hearts(c, 1000, () => now);
    assert.equal(h.tap('u1', 'r', FandomLimits.heartsPerOp), FandomLimits.heartBurst);
    assert.equal(h.tap('u1', 'r', 5), 0);
    // Another person has a bucket of their own.
    assert.equal(h.tap('u2', 'r', 3), 3);
    now += 1000;
    assert.equal(h.tap('u1', 'r', FandomLimits.heartsPerOp), FandomLimits.heartsPerSecond);
    assert.deepEqual(c.adds.get('r'), { hearts: FandomLimits.heartBurst + 3 + FandomLimits.heartsPerSecond });
  });

  test('the gauge is the taps since the last report', () => {
    const c = counters();
    const h = new Hearts(c, 1000, () => 0);
    h.tap('u1', 'r', 4);
    h.tap('u2', 'r', 6);
    assert.deepEqual(c.gauge('r'), { heartsWindow: 10 });
    assert.deepEqual(c.gauge('r'), {});
  });

  test('the stats frame always carries hearts and the rate: 0 and 0 before the first tap', () => {
    const plain = { t: 'stats' as const, room: 'r', viewers: 3, hearts: 0, heartsPerSecond: 0 };
    assert.deepEqual(withHearts({ live: { viewers: 3 }, total: {} }, plain, 1000), plain);
    assert.deepEqual(
      withHearts({ live: { viewers: 3, heartsWindow: 25 }, total: { hearts: 100 } }, plain, 2000),
      { ...plain, hearts: 100, heartsPerSecond: 12.5 },
    );
    const c = counters();
    new Hearts(c, 1000, () => 0);
    assert.deepEqual(c.shaper()('r', { live: { heartsWindow: 2 }, total: { hearts: 2 } }, plain), {
      ...plain,
      hearts: 2,
      heartsPerSecond: 2,
    });
  });
});
