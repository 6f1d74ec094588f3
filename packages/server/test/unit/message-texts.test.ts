/**
 * `msgsFrameText` (gateway/message-texts.ts) writes what JSON.stringify writes for a `msgs` frame with its
 * messages in their live form (protocol's live-messages.ts), thinned or not, and a message in several frames is
 * stringified once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveMessage, type ChatMessage, type MessagesFrame, type RoomMessages } from '@lightstick/protocol';
import { msgsFrameText } from '../../src/gateway/message-texts.ts';
import { chatMessage, countingJson } from '../support/hub-fixtures.ts';

const odd = (offset: number): ChatMessage =>
  chatMessage(offset, {
    room: 'r "1" \\ 방',
    user: { id: 'u1', name: 'fan', displayName: '팬 "one" \\ 💜' },
    text: `안녕 ${offset} "quoted" \\ \u2028 \ud83d`,
    lang: 'ko',
    mentions: [{ name: 'fan', start: 0, end: 4, userId: null }],
  });

test('the text is JSON.stringify of the frame, with and without a skipped count, with and without messages', () => {
  const msgs = [odd(1), odd(2), chatMessage(3, { priority: true })];
  for (const list of [[], msgs]) {
    for (const skipped of [undefined, 0, 7]) {
      const frame: RoomMessages = {
        t: 'msgs',
        room: 'r "1" \\ 방',
        msgs: list,
        ...(skipped === undefined ? {} : { skipped }),
        upto: { epoch: 'E', offset: 3 },
      };
      const wire: MessagesFrame = { ...frame, msgs: list.map(liveMessage) };
      assert.equal(msgsFrameText(frame), JSON.stringify(wire));
    }
  }
});

test("a message's text is made once, whatever number of frames carry it", () => {
  const { message: counted, made } = countingJson(odd(1));
  const frame = (msgs: ChatMessage[]): RoomMessages => ({
    t: 'msgs',
    room: 'r',
    msgs,
    upto: msgs.at(-1)!.pos,
  });
  const alone = msgsFrameText(frame([counted]));
  const merged = msgsFrameText(frame([counted, odd(2)]));
  assert.equal(made(), 1);
  assert.deepEqual((JSON.parse(merged) as MessagesFrame).msgs[0], JSON.parse(alone).msgs[0]);
});
