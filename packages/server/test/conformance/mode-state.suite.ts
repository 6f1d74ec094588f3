/**
 * Conformance suite for ModerationState (memory in embedded mode, Redis in scale-out mode): slow mode and unique
 * chat gates at their boundaries, on the caller's clock, with concurrent callers.
 */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ModerationState } from '../../src/moderation/mode-state.ts';

export function moderationStateSuite(name: string, make: () => Promise<ModerationState>): void {
  describe(`ModerationState conformance: ${name}`, () => {
    let state: ModerationState;
    let room: string;
    const t0 = 1_700_000_000_000;
    beforeEach(async () => {
      state = await make();
      room = `r-${randomUUID()}`;
    });
    afterEach(async () => {
      await state.close();
    });

    test('slow mode: the first send passes, the next within the interval waits exactly the rest', async () => {
      assert.deepEqual(await state.slowGate(room, 'u1', 10_000, t0), { allowed: true });
      assert.deepEqual(await state.slowGate(room, 'u1', 10_000, t0 + 3_000), {
        allowed: false,
        retryAfterMs: 7_000,
      });
      assert.deepEqual(await state.slowGate(room, 'u1', 10_000, t0 + 9_999), {
        allowed: false,
        retryAfterMs: 1,
      });
      // The boundary: exactly the interval later passes, and starts a new interval.
      assert.deepEqual(await state.slowGate(room, 'u1', 10_000, t0 + 10_000), { allowed: true });
      assert.deepEqual(await state.slowGate(room, 'u1', 10_000, t0 + 10_001), {
        allowed: false,
        retryAfterMs: 9_999,
      });
    });

    test('slow mode is per person and per room; a refused send does not restart the wait', async () => {
      await state.slowGate(room, 'u1', 5_000, t0);
      assert.deepEqual(await state.slowGate(room, 'u2', 5_000, t0 + 1), { allowed: true });
      assert.deepEqual(await state.slowGate(`${room}-b`, 'u1', 5_000, t0 + 1), { allowed: true });
      await state.slowGate(room, 'u1', 5_000, t0 + 4_000);
      assert.deepEqual(await state.slowGate(room, 'u1', 5_000, t0 + 5_000), { allowed: true });
    });

    test('a shorter interval applies at once to the last send', async () => {
      await state.slowGate(room, 'u1', 60_000, t0);
      assert.deepEqual(await state.slowGate(room, 'u1', 3_000, t0 + 3_000), { allowed: true });
    });

    test('interval 0 always allows and records nothing', async () => {
      assert.deepEqual(await state.slowGate(room, 'u1', 0, t0), { allowed: true });
      assert.deepEqual(await state.slowGate(room, 'u1', 0, t0), { allowed: true });
      assert.deepEqual(await state.slowGate(room, 'u1', 10_000, t0), { allowed: true });
    });

    test('unique chat: the same text within the window is refused, another text or room passes', async () => {
      assert.deepEqual(await state.uniqueGate(room, 'k1', 30_000, t0), { allowed: true });
      assert.deepEqual(await state.uniqueGate(room, 'k1', 30_000, t0 + 29_000), {
        allowed: false,
        retryAfterMs: 1_000,
      });
      assert.deepEqual(await state.uniqueGate(room, 'k2', 30_000, t0 + 1), { allowed: true });
      assert.deepEqual(await state.uniqueGate(`${room}-b`, 'k1', 30_000, t0 + 1), { allowed: true });
      assert.deepEqual(await state.uniqueGate(room, 'k1', 30_000, t0 + 30_000), { allowed: true });
    });

    test('of many concurrent sends by one fan, exactly one passes', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => state.slowGate(room, 'u1', 10_000, t0)),
      );
      assert.equal(results.filter((r) => r.allowed).length, 1);
    });
  });
}
