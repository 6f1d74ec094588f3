/**
 * A `msgs` frame's messages in their live form (protocol's live-messages.ts): what the server writes leaves out
 * the room, the epoch and a false priority, and what a client reads back is the ChatMessage that was sent, every
 * optional field included.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chatMessages,
  expandMessages,
  liveMessage,
  type ChatMessage,
  type MessagesFrame,
} from '@lightstick/protocol';
import { chatMessage } from '../support/hub-fixtures.ts';

const room = 'room-1';
const epoch = 'epoch-1';
const messages: ChatMessage[] = [
  chatMessage(7, { room, pos: { epoch, offset: 7 }, lang: 'ko', text: '사랑해요 💜' }),
  chatMessage(8, { room, pos: { epoch, offset: 8 }, priority: true, role: 'artist' }),
  chatMessage(9, {
    room,
    pos: { epoch, offset: 9 },
    mentions: [{ start: 0, end: 4, name: 'fan', userId: null }],
    links: [{ start: 5, end: 20, url: 'https://example.com/' }],
    reply: { id: 'm8', user: { id: 'a', name: 'a', displayName: 'A' }, text: 'hi' },
    deleted: { by: { id: 'mod', name: 'mod' }, at: 5 },
  }),
];
const wire = (msgs: ChatMessage[]): MessagesFrame => ({
  t: 'msgs',
  room,
  msgs: msgs.map(liveMessage),
  upto: { epoch, offset: 9 },
});

test('the live form keeps every field but the room and position, and priority only when true', () => {
  const [fan, artist, full] = messages.map(liveMessage);
  assert.deepEqual(Object.keys(fan!).sort(), ['cid', 'id', 'lang', 'offset', 'role', 'text', 'ts', 'user']);
  assert.equal(fan!.offset, 7);
  assert.equal(artist!.priority, true);
  assert.deepEqual(Object.keys(full!).sort(), [
    'cid',
    'deleted',
    'id',
    'links',
    'mentions',
    'offset',
    'reply',
    'role',
    'text',
    'ts',
    'user',
  ]);
});

test('a client reads back the messages that were sent, room, position and priority put back', () => {
  assert.deepEqual(chatMessages(wire(messages)), messages);
  const frame = { ...wire(messages.slice(0, 1)), skipped: 2 };
  assert.deepEqual(expandMessages(frame), { ...frame, msgs: messages.slice(0, 1) });
  assert.deepEqual(chatMessages({ ...wire([]), msgs: [] }), []);
});

test('what the server writes is what a client parses: the round trip through JSON text', () => {
  const parsed = JSON.parse(JSON.stringify(wire(messages))) as MessagesFrame;
  assert.deepEqual(chatMessages(parsed), messages);
});
