/**
 * What a node knows of a subscribed room's top (src/broker/room-tops.ts): the top a fresh join is given without
 * a Redis read. It must never be below a message the node has already delivered, never outlive the
 * subscription it was read on, and never be used past the read's freshness or the room's possible restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '@lightstick/protocol';
import { RoomTops } from '../../src/broker/room-tops.ts';

const pos = (offset: number, epoch = 'e1') => ({ epoch, offset });
const msg = (offset: number, epoch = 'e1'): ChatMessage => ({
  id: `m${offset}`,
  room: 'r',
  pos: pos(offset, epoch),
  cid: `c${offset}`,
  user: { id: 'u1', name: 'fan', displayName: 'Fan' },
  role: 'member',
  priority: false,
  text: `hello ${offset}`,
  ts: 0,
});
/** What READ says of the room besides its top: live until `liveUntil`, 1000 entries, a day. */
const win = (liveUntil: number, size = 1000, ttlMs = 86_400_000) => ({ liveUntil, size, ttlMs });

test('no top before a read on the subscription, then the read top, raised by what is heard', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  assert.equal(tops.known('r', 0), undefined, 'not subscribed');
  tops.subscribed('r');
  assert.equal(tops.known('r', 0), undefined, 'subscribed, nothing read');
  tops.read('r', tops.slot('r')!, pos(7), win(1e12), 0);
  assert.deepEqual(tops.known('r', 1), pos(7));
  tops.heard('r', msg(8), 0);
  tops.heard('r', msg(9), 0);
  tops.heard('r', msg(8), 0); // a late duplicate does not lower it
  assert.deepEqual(tops.known('r', 2), pos(9));
});

test('a message heard while the read was in flight is not lost under an older read (read-older-than-heard)', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  const slot = tops.slot('r')!;
  tops.heard('r', msg(12), 0); // published after the read ran, delivered before its answer
  tops.read('r', slot, pos(11), win(1e12), 0);
  assert.deepEqual(tops.known('r', 0), pos(12));
});

test('a read answered after the subscription was lost or made again is not kept', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  const slot = tops.slot('r')!;
  tops.lost();
  tops.subscribed('r');
  tops.read('r', slot, pos(3), win(1e12), 0);
  assert.equal(tops.known('r', 0), undefined, 'the read was on the old subscription');
  const again = tops.slot('r')!;
  tops.unsubscribed('r');
  tops.subscribed('r');
  tops.read('r', again, pos(3), win(1e12), 0);
  assert.equal(tops.known('r', 0), undefined, 'unsubscribed in between: publications may have been missed');
});

test('used for freshMs after the read and never past the room possibly starting over', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(1), win(1e12), 1000);
  assert.deepEqual(tops.known('r', 5999), pos(1));
  assert.equal(tops.known('r', 6000), undefined, 'stale: read again');
  tops.read('r', tops.slot('r')!, pos(1), win(7500), 6000);
  assert.deepEqual(tops.known('r', 7499), pos(1));
  assert.equal(tops.known('r', 7500), undefined, 'the room may have started over with a new epoch');
});

test('another epoch heard or read makes the node read again', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(40), win(1e12), 0);
  tops.heard('r', msg(1, 'e2'), 0);
  assert.equal(
    tops.known('r', 0),
    undefined,
    'the room started over: only a read says which epoch is current',
  );
  tops.read('r', tops.slot('r')!, pos(2, 'e2'), win(1e12), 0);
  assert.deepEqual(tops.known('r', 0), pos(2, 'e2'));
  const slot = tops.slot('r')!;
  tops.heard('r', msg(1, 'e3'), 0);
  tops.read('r', slot, pos(3, 'e2'), win(1e12), 0);
  assert.equal(tops.known('r', 0), undefined, 'read and heard disagree on the epoch');
});

/** The offsets a resume from `since` is given from the tail, or undefined when the node must read Redis. */
function resumed(tops: RoomTops, since: number, opts: { limit?: number; now?: number; epoch?: string } = {}) {
  const got = tops.missed('r', pos(since, opts.epoch), opts.limit ?? 1000, opts.now ?? 0);
  return got === undefined ? undefined : got.recoverable ? got.messages.map((m) => m.pos.offset) : 'reload';
}

test('a resume is answered from the messages heard after the read, exactly those after since', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  assert.equal(resumed(tops, 0), undefined, 'nothing read yet');
  tops.read('r', tops.slot('r')!, pos(10), win(1e12), 0);
  for (let o = 11; o <= 14; o++) tops.heard('r', msg(o), 0);
  assert.deepEqual(resumed(tops, 12), [13, 14]);
  assert.deepEqual(resumed(tops, 14), [], 'nothing missed');
  assert.equal(resumed(tops, 9), undefined, 'from before the tail: only Redis has 10');
  assert.equal(resumed(tops, 15), undefined, 'past the top: the script answers reload');
  assert.equal(resumed(tops, 12, { epoch: 'e0' }), undefined, 'another epoch');
  assert.equal(resumed(tops, 10, { limit: 3 }), undefined, 'more than the caller takes');
  assert.equal(resumed(tops, 12, { now: 5000 }), undefined, 'the read is no longer fresh');
});

test('a resume read seeds the tail, and heard messages go on from it', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(5), win(1e12), 0, [msg(4), msg(5)]);
  tops.heard('r', msg(5), 0); // published before the read, heard after it: already in the tail
  tops.heard('r', msg(6), 0);
  assert.deepEqual(resumed(tops, 3), [4, 5, 6]);
  assert.equal(resumed(tops, 2), undefined);
});

test('a gap in what was heard starts the tail over (tail-with-a-hole)', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(1), win(1e12), 0);
  tops.heard('r', msg(2), 0);
  tops.heard('r', msg(4), 0); // 3 never arrived
  tops.heard('r', msg(5), 0);
  assert.deepEqual(resumed(tops, 3), [4, 5]);
  assert.equal(resumed(tops, 2), undefined, 'would skip 3: Redis answers');
  assert.equal(resumed(tops, 1), undefined);
});

test('a read ahead of what was heard empties the tail; epochs and lost subscriptions forget it', () => {
  const tops = new RoomTops({ freshMs: 5000 });
  tops.subscribed('r');
  const slot = tops.slot('r')!;
  tops.heard('r', msg(3), 0);
  tops.read('r', slot, pos(6), win(1e12), 0); // 4..6 published before the subscription: not heard
  assert.equal(resumed(tops, 3), undefined, 'the tail does not reach the read top');
  tops.heard('r', msg(7), 0);
  assert.deepEqual(resumed(tops, 6), [7]);
  tops.heard('r', msg(1, 'e2'), 0);
  assert.equal(resumed(tops, 6), undefined, 'another epoch heard');
  tops.read('r', tops.slot('r')!, pos(1, 'e2'), win(1e12), 0, [msg(1, 'e2')]);
  assert.deepEqual(resumed(tops, 0, { epoch: 'e2' }), [1]);
  tops.lost();
  tops.subscribed('r');
  assert.equal(resumed(tops, 0, { epoch: 'e2' }), undefined, 'the subscription was lost');
});

test('the tail answers only inside the room size and well inside its ttl', () => {
  const tops = new RoomTops({ freshMs: 60_000 });
  tops.subscribed('r');
  tops.read('r', tops.slot('r')!, pos(0), win(1e12, 3, 10_000), 0);
  for (let o = 1; o <= 5; o++) tops.heard('r', msg(o), o * 1000);
  assert.deepEqual(resumed(tops, 2, { now: 5000 }), [3, 4, 5]);
  assert.equal(resumed(tops, 1, { now: 5000 }), undefined, 'the room keeps 3: the script says reload');
  assert.equal(resumed(tops, 2, { now: 8000 }), undefined, '3 was heard half a ttl ago');
  assert.deepEqual(resumed(tops, 3, { now: 8000 }), [4, 5]);
});

test('tails are bounded per room and per node', () => {
  const tops = new RoomTops({ freshMs: 5000, tailPerRoom: 3, tailTotal: 4 });
  for (const room of ['r', 's', 't']) {
    tops.subscribed(room);
    tops.read(room, tops.slot(room)!, pos(0), win(1e12), 0);
  }
  const from = (room: string, since: number) => {
    const got = tops.missed(room, pos(since), 1000, 0);
    return got?.recoverable ? got.messages.map((m) => m.pos.offset) : undefined;
  };
  for (let o = 1; o <= 6; o++) tops.heard('r', msg(o), 0);
  assert.deepEqual(from('r', 3), [4, 5, 6]);
  assert.equal(from('r', 2), undefined, 'only the last 3 kept');
  tops.heard('s', msg(1), 0);
  tops.heard('s', msg(2), 0); // the node holds 4: s makes way from its own tail
  assert.deepEqual(from('s', 1), [2]);
  assert.equal(from('s', 0), undefined);
  tops.heard('t', msg(1), 0); // nothing of its own to give: t keeps no tail while the node is full
  assert.equal(from('t', 0), undefined);
  assert.deepEqual(from('r', 5), [6], 'the others keep theirs');
  tops.unsubscribed('r');
  tops.heard('t', msg(2), 0);
  assert.deepEqual(from('t', 1), [2], 'room again once r let go');
});
