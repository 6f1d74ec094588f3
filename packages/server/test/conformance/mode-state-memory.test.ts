import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryModerationState } from '../../src/moderation/state/memory.ts';
import { moderationStateSuite } from './mode-state.suite.ts';

moderationStateSuite('memory', async () => new MemoryModerationState());

test('memory state forgets entries once their interval passed, and holds its key cap', async () => {
  const s = new MemoryModerationState({ sweepEveryMs: 1000, maxKeys: 100 });
  for (let i = 0; i < 500; i++) await s.slowGate('r', `u${i}`, 2000, 0);
  assert.ok(s.size <= 100);
  await s.slowGate('r', 'late', 2000, 5000);
  assert.equal(s.size, 1);
});
