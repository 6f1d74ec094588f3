/**
 * PresenceStore contract (room counters per node), run against every implementation, with a clock the suite
 * moves by hand: a node's report replaces its gauges and adds its increments, gauges are summed over the live
 * nodes, a node silent past its ttl no longer counts, remove forgets a node's gauges, totals keep growing.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runtime } from '../../src/runtime.ts';
import type { Counters, PresenceStore } from '../../src/presence/presence-store.ts';
import { withClockedStore, type FakeClock } from '../support/fake-clock.ts';

export type PresenceFactory = (
  runtime: Runtime,
) => Promise<{ store: PresenceStore; cleanup(): Promise<void> }>;

const live = (entries: [string, Counters][]) => ({ live: new Map(entries) });
const TTL = 3000;

export function presenceConformance(name: string, factory: PresenceFactory): void {
  describe(`PresenceStore conformance: ${name}`, () => {
    const withStore = (fn: (p: PresenceStore, clock: FakeClock, room: string) => Promise<void>) =>
      withClockedStore(factory, fn);

    test(
      'gauges are summed over the nodes; a report returns the merged counters of the rooms asked for',
      withStore(async (p, _clock, room) => {
        const other = `${room}-b`;
        await p.report('n1', live([[room, { viewers: 3 }]]), TTL, [room]);
        const merged = await p.report(
          'n2',
          live([
            [room, { viewers: 4 }],
            [other, { viewers: 1 }],
          ]),
          TTL,
          [room, other, `${room}-none`],
        );
        assert.deepEqual(merged.get(room), { live: { viewers: 7 }, total: {} });
        assert.deepEqual(merged.get(other), { live: { viewers: 1 }, total: {} });
        assert.deepEqual(merged.get(`${room}-none`), { live: {}, total: {} });
      }),
    );

    test(
      "a node's report replaces its gauges; a room it leaves out is 0 for it",
      withStore(async (p, _clock, room) => {
        await p.report('n1', live([[room, { viewers: 10 }]]), TTL, []);
        await p.report('n2', live([[room, { viewers: 5 }]]), TTL, []);
        await p.report('n1', live([[room, { viewers: 2 }]]), TTL, []);
        assert.deepEqual((await p.counts([room])).get(room)!.live, { viewers: 7 });
        await p.report('n1', live([]), TTL, []);
        assert.deepEqual((await p.counts([room])).get(room)!.live, { viewers: 5 });
      }),
    );

    test(
      'a node silent past its ttl no longer counts; remove forgets a node at once',
      withStore(async (p, clock, room) => {
        await p.report('n1', live([[room, { viewers: 10 }]]), TTL, []);
        await p.report('n2', live([[room, { viewers: 5 }]]), TTL, []);
        await p.report('n3', live([[room, { viewers: 1 }]]), TTL, []);
        clock.advance(TTL - 1);
        await p.report('n2', live([[room, { viewers: 5 }]]), TTL, []);
        await p.report('n3', live([[room, { viewers: 1 }]]), TTL, []);
        clock.advance(2);
        // n1 died without a word: gone from the merged counts, however they are read.
        assert.deepEqual((await p.counts([room])).get(room)!.live, { viewers: 6 });
        await p.remove('n3');
        assert.deepEqual((await p.counts([room])).get(room)!.live, { viewers: 5 });
        // A node that comes back counts again.
        await p.report('n1', live([[room, { viewers: 1 }]]), TTL, []);
        assert.deepEqual((await p.counts([room])).get(room)!.live, { viewers: 6 });
      }),
    );

    test(
      'increments add to running totals across nodes and reports; other counters sit beside viewers',
      withStore(async (p, clock, room) => {
        await p.report(
          'n1',
          { live: new Map([[room, { viewers: 2, typing: 1 }]]), adds: new Map([[room, { hearts: 30 }]]) },
          TTL,
          [],
        );
        await p.report('n2', { live: new Map(), adds: new Map([[room, { hearts: 12 }]]) }, TTL, []);
        const merged = await p.report(
          'n1',
          { live: new Map([[room, { viewers: 2 }]]), adds: new Map([[room, { hearts: 1 }]]) },
          TTL,
          [room],
        );
        assert.deepEqual(merged.get(room), { live: { viewers: 2 }, total: { hearts: 43 } });
        // Totals stay when the nodes that counted them are gone.
        clock.advance(TTL + 1);
        assert.deepEqual((await p.counts([room])).get(room), { live: {}, total: { hearts: 43 } });
      }),
    );
  });
}
