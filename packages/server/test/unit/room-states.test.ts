/**
 * RoomStates (gateway/room-states.ts): a connection's rooms with their join state, one room in two fields and a
 * Map from the second on; it answers as a Map would through every change between the two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomStates, type RoomState } from '../../src/gateway/room-states.ts';

/** Applies the same steps to a RoomStates and a Map and compares what they answer after each one. */
function same(
  steps: ([op: 'set', room: string, state: RoomState] | [op: 'delete' | 'clear', room?: string])[],
) {
  const rooms = new RoomStates();
  const map = new Map<string, RoomState>();
  for (const step of steps) {
    if (step[0] === 'set') {
      rooms.set(step[1], step[2]);
      map.set(step[1], step[2]);
    } else if (step[0] === 'delete') {
      assert.equal(rooms.delete(step[1]!), map.delete(step[1]!), JSON.stringify(step));
    } else {
      rooms.clear();
      map.clear();
    }
    const what = JSON.stringify(step);
    assert.equal(rooms.size, map.size, what);
    assert.deepEqual(rooms.keys().sort(), [...map.keys()].sort(), what);
    for (const room of ['a', 'b', 'c']) {
      assert.equal(rooms.get(room), map.get(room), `${what} get ${room}`);
      assert.equal(rooms.has(room), map.has(room), `${what} has ${room}`);
    }
  }
}

test('one room: join, joined, re-join, leave', () => {
  same([
    ['set', 'a', 'joining'],
    ['set', 'a', 'joined'],
    ['set', 'a', 'joining'],
    ['delete', 'b'],
    ['delete', 'a'],
    ['delete', 'a'],
  ]);
});

test('a second and third room, leaving them in any order, then joining again', () => {
  same([
    ['set', 'a', 'joined'],
    ['set', 'b', 'joining'],
    ['set', 'c', 'joined'],
    ['set', 'b', 'joined'],
    ['delete', 'a'],
    ['delete', 'c'],
    ['delete', 'b'],
    ['set', 'c', 'joining'],
    ['set', 'a', 'joined'],
  ]);
});

test('clear from one room and from several', () => {
  same([
    ['set', 'a', 'joined'],
    ['clear'],
    ['set', 'b', 'joined'],
    ['set', 'c', 'joined'],
    ['clear'],
    ['set', 'a', 'joining'],
  ]);
});

test('keys() is a copy: leaving rooms while walking them visits each once', () => {
  const rooms = new RoomStates();
  for (const room of ['a', 'b', 'c']) rooms.set(room, 'joined');
  const seen: string[] = [];
  for (const room of rooms.keys()) {
    seen.push(room);
    rooms.delete(room);
  }
  assert.deepEqual(seen, ['a', 'b', 'c']);
  assert.equal(rooms.size, 0);
});
