/**
 * Every message of a `msgs` frame repeated what the frame says once: the room id, the stream's epoch (both 36
 * characters here) and `"priority":false` for every fan. The benchmark's fan message was 362 bytes, 118 of them
 * those repeats; at 100 000 viewers × 20 msgs/s the bytes through loopback TCP are the limit (docs/benchmarks.md,
 * "Stop 51": 46 % of the deliveries missing 10 s after the last send, 10–26 % with the messages a third smaller).
 * A frame's messages now leave them out (protocol's LiveMessage) and the SDK puts them back; a `joined` replay
 * still carries whole messages.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { RealtimeClient } from '@lightstick/client';
import { type AckFrame, type ChatMessage, type JoinedFrame, type MessagesFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, until, world } from '../support/ws-fixtures.ts';

const count = (text: string, part: string) => text.split(part).length - 1;

describe('regression: a msgs frame says its room and epoch once', () => {
  let app: InProcess;
  let rt: RealtimeClient | undefined;

  before(async () => {
    app = await startLightstick();
  });
  after(async () => {
    rt?.close();
    await app.stop();
  });

  test('each message leaves out the room, the epoch and a false priority; the SDK and replays read them whole', async () => {
    const w = world(app);
    const { room, owner, fan } = await w.ownerInRoomWithFan();
    const fanWs = await w.connect(fan);
    await join(fanWs, room.id);
    const acks: AckFrame[] = [];
    for (const [who, text] of [
      [owner, 'artist 💜'],
      [fanWs, '사랑해요'],
      [fanWs, 'ファン'],
    ] as const) {
      acks.push(
        (await who.request({ op: 'send', id: nextId(), room: room.id, cid: text, text })) as AckFrame,
      );
    }
    const live = () => fanWs.frames.filter((f): f is MessagesFrame => f.t === 'msgs' && f.room === room.id);
    await until(() => live().reduce((n, f) => n + f.msgs.length, 0) >= 3, 'three live messages');

    for (const frame of live()) {
      const text = JSON.stringify(frame);
      assert.equal(count(text, room.id), 1, `the room once: ${text}`);
      assert.equal(count(text, room.epoch), 1, `the epoch once (upto): ${text}`);
      assert.equal(count(text, '"priority":false'), 0, text);
      for (const m of frame.msgs)
        assert.deepEqual([m.offset > 0, 'pos' in m, 'room' in m], [true, false, false]);
    }
    const wire = live().flatMap((f) => f.msgs);
    assert.deepEqual(
      wire.map((m) => [m.text, m.priority]),
      [
        ['artist 💜', true],
        ['사랑해요', undefined],
        ['ファン', undefined],
      ],
    );

    // The SDK gives the application whole messages: room, position and priority as the acks and roles say.
    const token = await w.tokenFor(fan);
    rt = new RealtimeClient({ url: app.wsUrl, getToken: () => Promise.resolve(token), WebSocket });
    const got: ChatMessage[] = [];
    rt.on('messages', (e) => got.push(...e.messages));
    rt.on('error', () => {});
    rt.connect();
    await rt.join(room.id, { since: { epoch: room.epoch, offset: 0 } });
    await owner.request({ op: 'send', id: nextId(), room: room.id, cid: 'after', text: 'after' });
    await until(() => got.some((m) => m.text === 'after'), 'the SDK reads the live message');
    for (const m of got) {
      assert.equal(m.room, room.id);
      assert.equal(m.pos.epoch, room.epoch);
      assert.equal(typeof m.priority, 'boolean');
    }
    assert.deepEqual(
      got.slice(0, 3).map((m) => [m.pos, m.priority]),
      acks.map((a, i) => [a.pos, i === 0]),
    );

    // A replay carries whole messages, as the archive does.
    const late = await w.connect(fan);
    const answer: JoinedFrame = await join(late, room.id, { epoch: room.epoch, offset: 0 });
    assert.deepEqual(
      answer.missed.map((m) => [m.room, m.pos, m.priority]),
      got.map((m) => [m.room, m.pos, m.priority]),
    );
    late.close();
    fanWs.close();
    owner.close();
  });
});
