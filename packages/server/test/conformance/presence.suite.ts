/**
 * PresenceStore contract, run against every implementation, with a clock the suite moves by hand:
 * join adds or refreshes, leave removes, entries expire unless refreshed, stats count connections and users.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Runtime } from '../../src/runtime.ts';
import type { PresenceEntry, PresenceStore } from '../../src/presence/presence-store.ts';
import { withClockedStore, type FakeClock } from '../support/fake-clock.ts';

export type PresenceFactory = (
  runtime: Runtime,
) => Promise<{ store: PresenceStore; cleanup(): Promise<void> }>;

const entry = (connectionId: string, userId: string, now: number): PresenceEntry => ({
  connectionId,
  userId,
  name: `name-${userId}`,
  node: 'n1',
  seenAt: now,
});

export function presenceConformance(name: string, factory: PresenceFactory): void {
  describe(`PresenceStore conformance: ${name}`, () => {
    const withStore = (fn: (p: PresenceStore, clock: FakeClock, room: string) => Promise<void>) =>
      withClockedStore(factory, fn);

    test(
      'join adds members; list and stats see them',
      withStore(async (p, clock, room) => {
        await p.join(room, entry('c1', 'u1', clock.now()), 10_000);
        await p.join(room, entry('c2', 'u1', clock.now()), 10_000);
        await p.join(room, entry('c3', 'u2', clock.now()), 10_000);
        const list = await p.list(room, 100);
        assert.deepEqual(list.map((e) => e.connectionId).sort(), ['c1', 'c2', 'c3']);
        assert.equal(list.find((e) => e.connectionId === 'c3')!.userId, 'u2');
        assert.deepEqual(await p.stats(room), { connections: 3, users: 2 });
        assert.deepEqual(await p.stats(`${room}-empty`), { connections: 0, users: 0 });
      }),
    );

    test(
      'join again refreshes instead of adding',
      withStore(async (p, clock, room) => {
        await p.join(room, entry('c1', 'u1', clock.now()), 10_000);
        await p.join(room, entry('c1', 'u1', clock.now()), 10_000);
        assert.deepEqual(await p.stats(room), { connections: 1, users: 1 });
      }),
    );

    test(
      'leave removes the connection only',
      withStore(async (p, clock, room) => {
        await p.join(room, entry('c1', 'u1', clock.now()), 10_000);
        await p.join(room, entry('c2', 'u2', clock.now()), 10_000);
        await p.leave(room, 'c1');
        await p.leave(room, 'never-joined');
        assert.deepEqual(
          (await p.list(room, 100)).map((e) => e.connectionId),
          ['c2'],
        );
      }),
    );

    test(
      'entries not refreshed within ttl disappear; refreshed ones stay',
      withStore(async (p, clock, room) => {
        await p.join(room, entry('c1', 'u1', clock.now()), 1000);
        await p.join(room, entry('c2', 'u2', clock.now()), 1000);
        clock.advance(700);
        await p.join(room, entry('c2', 'u2', clock.now()), 1000);
        clock.advance(700);
        assert.deepEqual(
          (await p.list(room, 100)).map((e) => e.connectionId),
          ['c2'],
        );
        assert.deepEqual(await p.stats(room), { connections: 1, users: 1 });
      }),
    );

    test(
      'list honours the limit',
      withStore(async (p, clock, room) => {
        for (let i = 0; i < 10; i++) await p.join(room, entry(`c${i}`, `u${i}`, clock.now()), 10_000);
        assert.equal((await p.list(room, 4)).length, 4);
      }),
    );

    test(
      'rooms are independent',
      withStore(async (p, clock, room) => {
        await p.join(room, entry('c1', 'u1', clock.now()), 10_000);
        await p.join(`${room}-b`, entry('c1', 'u1', clock.now()), 10_000);
        await p.leave(room, 'c1');
        assert.deepEqual(await p.stats(room), { connections: 0, users: 0 });
        assert.deepEqual(await p.stats(`${room}-b`), { connections: 1, users: 1 });
      }),
    );
  });
}
