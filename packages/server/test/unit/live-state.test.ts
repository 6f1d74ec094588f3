/** The live state machine: transitions, stale and repeated events, the grace window, ending. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onEnd, onEvent, onGraceCheck } from '../../src/lives/live-state.ts';
import type { LiveRecord } from '../../src/storage/lives-repositories.ts';

const live = (over: Partial<LiveRecord> = {}): LiveRecord => ({
  id: 'l1',
  communityId: 'c1',
  roomId: 'r1',
  title: 't',
  access: 'public',
  provider: 'local',
  channelId: 'ch',
  channelMeta: {},
  state: 'scheduled',
  scheduledAt: null,
  startedAt: null,
  endedAt: null,
  createdBy: 'u',
  createdAt: 0,
  eventAt: 0,
  graceUntil: null,
  version: 0,
  ...over,
});
const apply = (l: LiveRecord, t: ReturnType<typeof onEvent>): LiveRecord => ({ ...l, ...t?.patch });

test('scheduled -> live -> reconnecting -> live, each entered once', () => {
  let l = live();
  const on = onEvent(l, { type: 'started', at: 10 }, 100, 30_000);
  assert.equal(on?.entered, 'live');
  l = apply(l, on);
  assert.deepEqual([l.state, l.startedAt, l.eventAt], ['live', 10, 10]);
  assert.equal(onEvent(l, { type: 'started', at: 10 }, 100, 30_000), undefined, 'the same event again');
  const drop = onEvent(l, { type: 'stopped', at: 20 }, 200, 30_000);
  assert.equal(drop?.entered, 'reconnecting');
  l = apply(l, drop);
  assert.deepEqual([l.state, l.graceUntil], ['reconnecting', 30_200], 'grace runs on the local clock');
  assert.equal(onEvent(l, { type: 'stopped', at: 25 }, 300, 30_000)?.entered, undefined, 'no second drop');
  const back = onEvent(l, { type: 'started', at: 30 }, 400, 30_000);
  l = apply(l, back);
  assert.deepEqual([back?.entered, l.state, l.startedAt, l.graceUntil], ['live', 'live', 10, null]);
});

test('an event older than the newest applied is stale', () => {
  const l = live({ state: 'reconnecting', eventAt: 50, graceUntil: 1000 });
  assert.equal(onEvent(l, { type: 'started', at: 40 }, 100, 30_000), undefined);
  assert.equal(onEvent(live({ state: 'live', eventAt: 50 }), { type: 'stopped', at: 49 }, 100, 1), undefined);
});

test('a stop before any start keeps a scheduled live scheduled', () => {
  const t = onEvent(live(), { type: 'stopped', at: 5 }, 100, 1000);
  assert.deepEqual(t, { patch: { eventAt: 5 } });
});

test('the grace window ends a reconnecting live once it has passed, not before', () => {
  const l = live({ state: 'reconnecting', graceUntil: 1000 });
  assert.equal(onGraceCheck(l, 999), undefined);
  assert.deepEqual(onGraceCheck(l, 1000), {
    patch: { state: 'ended', endedAt: 1000, graceUntil: null },
    entered: 'ended',
  });
  assert.equal(onGraceCheck(live({ state: 'live' }), 5000), undefined);
});

test('ending: from any state but ended; an ended live takes no events', () => {
  for (const state of ['scheduled', 'live', 'reconnecting'] as const) {
    assert.equal(onEnd(live({ state }), 7)?.entered, 'ended');
  }
  const ended = live({ state: 'ended', endedAt: 7 });
  assert.equal(onEnd(ended, 8), undefined);
  assert.equal(onEvent(ended, { type: 'started', at: 100 }, 100, 1), undefined);
});
