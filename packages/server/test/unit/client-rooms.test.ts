/** The SDK's per-room position rules (docs/protocol.md, "Positions, dedup and gaps"). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, RoomMessages } from '@lightstick/protocol';
import { RoomStreams } from '../../../client/src/rooms.ts';
import { chatMessage } from '../support/hub-fixtures.ts';

const E = 'epoch-1';
const msg = (offset: number, priority = false): ChatMessage =>
  chatMessage(offset, { room: 'r', pos: { epoch: E, offset }, priority });
const frame = (msgs: ChatMessage[], upto: number, skipped?: number): RoomMessages => ({
  t: 'msgs',
  room: 'r',
  msgs,
  upto: { epoch: E, offset: upto },
  ...(skipped !== undefined ? { skipped } : {}),
});

function joinedAt(offset: number): RoomStreams {
  const rooms = new RoomStreams();
  rooms.add('r');
  rooms.onJoined({ t: 'joined', id: 1, room: 'r', pos: { epoch: E, offset }, missed: [], reload: false });
  return rooms;
}

test('contiguous frames deliver; duplicates are dropped; a hole is a gap', () => {
  const rooms = joinedAt(2);
  assert.deepEqual(rooms.onMessages(frame([msg(3), msg(4)], 4)), {
    kind: 'deliver',
    messages: [msg(3), msg(4)],
    skipped: 0,
  });
  assert.deepEqual(rooms.onMessages(frame([msg(4)], 4)), { kind: 'ignore' });
  assert.deepEqual(rooms.onMessages(frame([msg(6)], 6)), { kind: 'gap' });
});

test('a thinned frame that follows on advances past its skipped messages', () => {
  const rooms = joinedAt(2);
  // Offsets 3..6: 3 fan messages skipped, the artist's 6 kept.
  assert.deepEqual(rooms.onMessages(frame([msg(6, true)], 6, 3)), {
    kind: 'deliver',
    messages: [msg(6, true)],
    skipped: 3,
  });
  assert.equal(rooms.get('r')?.pos?.offset, 6);
  assert.equal(rooms.onMessages(frame([msg(7)], 7)).kind, 'deliver');
});

test('a thinned frame that starts after the held position is a gap, not silently skipped over', () => {
  const rooms = joinedAt(2);
  // Covers offsets 5..6 (one kept, one skipped): 3 and 4 never arrived.
  assert.deepEqual(rooms.onMessages(frame([msg(6, true)], 6, 1)), { kind: 'gap' });
  assert.equal(rooms.get('r')?.pos?.offset, 2);
});
