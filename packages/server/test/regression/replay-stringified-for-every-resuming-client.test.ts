/**
 * A resume's replay was stringified for every client: each `joined` answer was one JSON.stringify of the frame
 * with all its missed messages, although every client resuming past the same point is sent the very same
 * message objects (the room's tail, broker/room-tops.ts, or the in-memory history). When a gateway died and
 * 17 000 clients came back to the survivors, those stringifies were 5.5 % of the survivors' CPU (issue 6,
 * docs/benchmarks.md "Stop 45"). Now each message's text is made once (gateway/joined-frame.ts): a second
 * client resuming from the same position makes no JSON of any message, and gets the same answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JoinedFrame, ServerFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { nextId, until, world } from '../support/ws-fixtures.ts';

const MESSAGES = 30;

/** Whether `value` is a chat message, or a frame carrying missed messages. */
function carriesMessages(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if ('pos' in v && 'text' in v && 'user' in v) return true;
  return Array.isArray(v.missed) && v.missed.length > 0;
}

describe('regression: a replay is stringified for every resuming client', () => {
  let app: InProcess;
  before(async () => {
    app = await startLightstick({
      env: { LIGHTSTICK_JOIN_LIMIT: '100000', LIGHTSTICK_USER_JOIN_LIMIT: '100000' },
    });
  });
  after(() => app.stop());

  test('the second client resuming past the same messages makes no JSON of them', async () => {
    const w = world(app);
    const { room, owner, fan } = await w.ownerInRoomWithFan();
    const acked = () => owner.frames.filter((f) => f.t === 'ack').length;
    for (let i = 0; i < MESSAGES; i++) {
      owner.send({ op: 'send', id: nextId(), room: room.id, cid: `r${i}`, text: `${i} 안녕 "hi" \\ 💜` });
    }
    await until(() => acked() >= MESSAGES, 'every send acknowledged', 30_000);

    const resume = async (): Promise<{ answer: JoinedFrame; text: string }> => {
      const c = await w.connect(fan);
      let text = '';
      c.ws.on('message', (data: Buffer) => {
        if (text === '' && data.includes('"t":"joined"')) text = data.toString('utf8');
      });
      const since = { epoch: room.epoch, offset: 0 };
      const f = await c.request<ServerFrame>({ op: 'join', id: 1, room: room.id, since });
      c.close();
      assert.equal(f.t, 'joined');
      return { answer: f as JoinedFrame, text };
    };

    const first = await resume();
    assert.equal(first.answer.missed.length, MESSAGES);
    assert.equal(first.answer.reload, false);

    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((value: unknown, ...rest: unknown[]) => {
      if (carriesMessages(value)) calls++;
      return (stringify as (...a: unknown[]) => string)(value, ...rest);
    }) as typeof JSON.stringify;
    let second;
    try {
      second = await resume();
    } finally {
      JSON.stringify = stringify;
    }
    assert.equal(calls, 0, 'JSON made of a message or of a replay for the second client');
    // The same answer, byte for byte, and the JSON.stringify of what the client parsed.
    assert.equal(second.text, first.text);
    assert.equal(second.text, JSON.stringify(second.answer));
  });
});
