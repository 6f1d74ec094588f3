/**
 * `joinedText` (gateway/joined-frame.ts) writes what JSON.stringify writes for the whole `joined` frame, for
 * every shape the answer takes, and keeps each message's text for the next client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '@lightstick/protocol';
import { joinedText } from '../../src/gateway/joined-frame.ts';
import { countingJson } from '../support/hub-fixtures.ts';

const pos = (offset: number) => ({ epoch: 'e1', offset });

function message(offset: number, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: `m${offset}`,
    room: 'r1',
    pos: pos(offset),
    cid: `c${offset}`,
    user: { id: 'u1', name: 'fan', displayName: '팬 "one" \\ 💜' },
    role: 'fan',
    priority: false,
    text: `안녕 ${offset} "quoted" \\ \u2028 \ud83d`,
    ts: 1_700_000_000_000 + offset,
    ...extra,
  };
}

test('the text is JSON.stringify of the whole frame, with or without a replay, reload or not', () => {
  const missed = [
    message(1),
    message(2, {
      lang: 'ko',
      mentions: [{ name: 'fan', start: 0, end: 4, userId: null }],
      links: [{ start: 5, end: 30, url: 'https://example.com/a?b=1' }],
    }),
    message(3, {
      deleted: { by: { id: 'u9', name: 'mod' }, at: 1 },
      reply: { id: 'm1', user: { id: 'u1', name: 'fan', displayName: 'Fan' }, text: '안녕' },
    }),
  ];
  for (const id of [1, 2 ** 31]) {
    for (const list of [[], missed]) {
      for (const reload of [false, true]) {
        const answer = { t: 'joined', id, room: 'r1', pos: pos(3) } as const;
        assert.equal(joinedText(answer, list, reload), JSON.stringify({ ...answer, missed: list, reload }));
      }
    }
  }
});

test("a message's text is made once, whatever number of answers carry it", () => {
  const { message: counted, made } = countingJson(message(1));
  const answer = { t: 'joined', id: 1, room: 'r1', pos: pos(1) } as const;
  const first = joinedText(answer, [counted], false);
  const second = joinedText({ ...answer, id: 2 }, [counted], false);
  assert.equal(made(), 1);
  assert.equal(second, first.replace('"id":1', '"id":2'));
});
