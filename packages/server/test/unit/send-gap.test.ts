/**
 * SendGap (src/send-gap.ts), the rule under the join path's batched reads and gathered Redis calls: the first
 * send after a pause waits for nothing; one asked within the gap of the last waits for the gap's end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendGap } from '../../src/send-gap.ts';

test('the first send waits for nothing', () => {
  const gap = new SendGap(50);
  assert.equal(gap.waitMs(0), 0);
  assert.equal(gap.waitMs(), 0, 'on the real clock too');
});

test('a send asked within the gap waits for its end; one asked after it waits for nothing', () => {
  const gap = new SendGap(50);
  gap.sent(1_000);
  assert.equal(gap.waitMs(1_000), 50);
  assert.equal(gap.waitMs(1_010), 40);
  assert.equal(gap.waitMs(1_050), 0, 'the gap is over at its end');
  assert.equal(gap.waitMs(5_000), 0, 'after a pause');
});

test('the gap runs from the last send', () => {
  const gap = new SendGap(50);
  gap.sent(1_000);
  gap.sent(1_060);
  assert.equal(gap.waitMs(1_070), 40);
});

test('a gap of 0 never waits', () => {
  const gap = new SendGap(0);
  gap.sent(1_000);
  assert.equal(gap.waitMs(1_000), 0);
});
