/**
 * The fan delay gate on a fake clock: a fan message is held exactly the room's delay, a deleted one goes out as
 * `skipped` at its position (never delivered), a staff message is never held: one behind held fan messages is
 * shown at once (`ahead`) and keeps its place in order behind them, a shorter delay applies to what waits, and
 * moderators are told what is held.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, Position } from '@lightstick/protocol';
import { FanDelay } from '../../src/gateway/fan-delay.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';
import { chatMessage } from '../support/hub-fixtures.ts';

const msg = (offset: number, priority = false): ChatMessage =>
  chatMessage(offset, {
    room: 'r',
    pos: { epoch: 'e', offset },
    role: priority ? 'moderator' : 'fan',
    priority,
    ts: 1000 + offset,
  });

function gate() {
  const scheduler = fakeScheduler();
  const out: string[] = [];
  const held: string[] = [];
  const ahead: string[] = [];
  const g = new FanDelay({
    scheduler,
    release: (_room, m) => out.push(m.id),
    skip: (_room, pos: Position) => out.push(`skip@${pos.offset}`),
    onHold: (_room, m) => held.push(m.id),
    onAhead: (_room, m) => ahead.push(m.id),
  });
  return { g, scheduler, out, held, ahead };
}

describe('fan delay gate', () => {
  test('without a delay nothing is held', () => {
    const { g } = gate();
    assert.equal(g.take('r', msg(1)), false);
    g.setDelay('r', 0);
    assert.equal(g.take('r', msg(2)), false);
  });

  test('a fan message is held exactly the delay; moderators are told at once', () => {
    const { g, scheduler, out, held } = gate();
    g.setDelay('r', 3000);
    assert.equal(g.take('r', msg(1)), true);
    assert.deepEqual(held, ['m1']);
    scheduler.advance(2999);
    assert.deepEqual(out, []);
    scheduler.advance(1);
    assert.deepEqual(out, ['m1']);
  });

  test('a message deleted while held is never delivered; its place goes out as skipped', () => {
    const { g, scheduler, out } = gate();
    g.setDelay('r', 3000);
    g.take('r', msg(1));
    g.take('r', msg(2));
    g.drop('r', ['m1']);
    scheduler.advance(3000);
    assert.deepEqual(out, ['skip@1', 'm2']);
  });

  test('staff messages are never held: behind held fan messages they are shown at once and keep their place', () => {
    const { g, scheduler, out, held, ahead } = gate();
    g.setDelay('r', 3000);
    assert.equal(g.take('r', msg(1, true)), false);
    assert.deepEqual(ahead, [], 'nothing held before it: it goes out as it is');
    assert.equal(g.take('r', msg(2)), true);
    scheduler.advance(1000);
    assert.equal(g.take('r', msg(3, true)), true);
    assert.deepEqual(held, ['m2']);
    assert.deepEqual(ahead, ['m3'], 'shown to the room the moment it arrives');
    assert.deepEqual(
      g.ahead('r').map((m) => m.id),
      ['m3'],
      'and to whoever joins while it waits',
    );
    scheduler.advance(1999);
    assert.deepEqual(out, []);
    scheduler.advance(1);
    assert.deepEqual(out, ['m2', 'm3']);
    assert.equal(g.firstHeld('r'), undefined);
    assert.deepEqual(g.ahead('r'), []);
  });

  test('the join replay stops before the first held message; a shorter delay applies to what waits', () => {
    const { g, scheduler, out } = gate();
    g.setDelay('r', 10_000);
    g.take('r', msg(5));
    g.take('r', msg(6));
    assert.deepEqual(g.firstHeld('r'), { epoch: 'e', offset: 5 });
    assert.deepEqual(
      g.held('r').map((h) => h.message.id),
      ['m5', 'm6'],
    );
    scheduler.advance(500);
    g.setDelay('r', 1000);
    scheduler.advance(499);
    assert.deepEqual(out, []);
    scheduler.advance(1);
    assert.deepEqual(out, ['m5', 'm6']);
  });
});
