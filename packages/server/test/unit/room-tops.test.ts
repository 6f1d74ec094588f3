/**
 * What a node knows of a subscribed room's top (src/broker/room-tops.ts): the top a fresh join is given without
 * a Redis read. It must never be below a message the node has already delivered, never outlive the
 * subscription it was read on, and never be used past the read's freshness or the room's possible restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomTops } from '../../src/broker/room-tops.ts';

const pos = (offset: number, epoch = 'e1') => ({ epoch, offset });

test('no top before a read on the subscription, then the read top, raised by what is heard', () => {
  const tops = new RoomTops(5000);
  assert.equal(tops.known('r', 0), undefined, 'not subscribed');
  tops.subscribed('r');
  assert.equal(tops.known('r', 0), undefined, 'subscribed, nothing read');
  tops.read('r', tops.slot('r')!, pos(7), 1e12, 0);
  assert.deepEqual(tops.known('r', 1), pos(7));
  tops.heard('r', pos(8));
  tops.heard('r', pos(9));
  tops.heard('r', pos(8)); // a late duplicate does not lower it
  assert.deepEqual(tops.known('r', 2), pos(9));
});

test('a message heard while the read was in flight is not lost under an older read (read-older-than-heard)', () => {
  const tops = new RoomTops(5000);
  tops.subscribed('r');
  const slot = tops.slot('r')!;
  tops.heard('r', pos(12)); // published after the read ran, delivered before its answer
  tops.read('r', slot, pos(11), 1e12, 0);
  assert.deepEqual(tops.known('r', 0), pos(12));
});

test('a read answered after the subscription was lost or made again is not kept', () => {
  const tops = new RoomTops(5000);
  tops.subscribed('r');
  const slot = tops.slot('r')!;
  tops.lost();
  tops.subscribed('r');
  tops.read('r', slot, pos(3), 1e12, 0);
  assert.equal(tops.known('r', 0), undefined, 'the read was on the old subscription');
  const again = tops.slot('r')!;
  tops.unsubscribed('r');
  tops.subscribed('r');
  tops.read('r', again, pos(3), 1e12, 0);
  assert.equal(tops.known('r', 0), undefined, 'unsubscribed in between: publications may have been missed');
});

test('used for freshMs after the read and never past the room possibly starting over', () => {
  const tops = new RoomTops(5000);
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(1), 1e12, 1000);
  assert.deepEqual(tops.known('r', 5999), pos(1));
  assert.equal(tops.known('r', 6000), undefined, 'stale: read again');
  tops.read('r', tops.slot('r')!, pos(1), 7500, 6000);
  assert.deepEqual(tops.known('r', 7499), pos(1));
  assert.equal(tops.known('r', 7500), undefined, 'the room may have started over with a new epoch');
});

test('another epoch heard or read makes the node read again', () => {
  const tops = new RoomTops(5000);
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(40), 1e12, 0);
  tops.heard('r', pos(1, 'e2'));
  assert.equal(
    tops.known('r', 0),
    undefined,
    'the room started over: only a read says which epoch is current',
  );
  tops.read('r', tops.slot('r')!, pos(2, 'e2'), 1e12, 0);
  assert.deepEqual(tops.known('r', 0), pos(2, 'e2'));
  const slot = tops.slot('r')!;
  tops.heard('r', pos(1, 'e3'));
  tops.read('r', slot, pos(3, 'e2'), 1e12, 0);
  assert.equal(tops.known('r', 0), undefined, 'read and heard disagree on the epoch');
});
