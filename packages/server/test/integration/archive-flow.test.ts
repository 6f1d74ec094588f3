/**
 * Scale-out mode end to end, in one process on real Redis and PostgreSQL: messages sent over WebSocket are
 * acknowledged from the room stream, reach the PostgreSQL archive through the archiver, and the paging API
 * returns them with the very positions the acks carried.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, MessagePage, RoomView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http } from '../support/api.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import {
  PG_URL,
  REDIS_URL,
  dropPrefix,
  dropSchema,
  ownerInRoom,
  send,
  uniquePrefix,
  uniqueSchema,
  until,
} from '../support/archive-fixture.ts';

describe('scale-out archive flow (Redis + PostgreSQL)', () => {
  const schema = uniqueSchema();
  const prefix = uniquePrefix();
  let app: InProcess;
  let ws: WsTestClient;
  let room: RoomView;
  let token: string;
  let userId: string;

  before(async () => {
    app = await startLightstick({
      env: {
        LIGHTSTICK_REDIS_URL: REDIS_URL,
        LIGHTSTICK_REDIS_PREFIX: prefix,
        LIGHTSTICK_DATABASE_URL: PG_URL,
        LIGHTSTICK_DATABASE_SCHEMA: schema,
      },
    });
    const joined = await ownerInRoom(app.baseUrl, app.wsUrl);
    ws = joined.ws;
    room = joined.room;
    token = joined.owner.accessToken;
    userId = joined.owner.user.id;
  });

  after(async () => {
    ws?.close();
    await app?.stop();
    await dropSchema(schema);
    await dropPrefix(prefix);
  });

  test('runs in scale-out mode with the archiver', async () => {
    assert.equal(app.server.built.mode, 'scale-out');
    assert.notEqual(app.server.built.archiver, undefined);
    await until('ready', async () => (await http(app.baseUrl, 'GET', '/readyz')).status === 200);
    const ready = await http<{ ready: boolean; checks: Record<string, boolean> }>(
      app.baseUrl,
      'GET',
      '/readyz',
    );
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal(ready.body.checks.archiver, true);
  });

  test('acknowledged messages are archived with the positions of their acks', async () => {
    const acks: AckFrame[] = [];
    for (let i = 1; i <= 40; i++) {
      const answer = await send(ws, room.id, `flow-${i}`, `message ${i}`);
      assert.equal(answer.t, 'ack', JSON.stringify(answer));
      acks.push(answer as AckFrame);
    }
    // Offsets from the stream: consecutive, one epoch.
    const epoch = acks[0]!.pos.epoch;
    assert.ok(acks.every((a, i) => a.pos.epoch === epoch && a.pos.offset === acks[0]!.pos.offset + i));

    await until(
      'all 40 messages in PostgreSQL',
      async () => (await app.services.store.messages.count(room.id)) === 40,
    );

    const page = await http<MessagePage>(
      app.baseUrl,
      'GET',
      `/api/rooms/${room.id}/messages?after=0&limit=100`,
      {
        token,
      },
    );
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.messages.map((m) => ({ mid: m.id, cid: m.cid, pos: m.pos, text: m.text })),
      acks.map((a, i) => ({ mid: a.mid, cid: a.cid, pos: a.pos, text: `message ${i + 1}` })),
    );
    assert.deepEqual(await app.services.store.messages.lastPosition(room.id), acks.at(-1)!.pos);
    await until('the backlog to empty', async () => (await app.server.built.backlog()) === 0);
  });

  test('a resent cid is acknowledged with the original and archived once', async () => {
    const first = await send(ws, room.id, 'again', 'once');
    const second = await send(ws, room.id, 'again', 'once');
    assert.equal(first.t, 'ack');
    assert.equal(second.t, 'ack');
    assert.equal((second as AckFrame).duplicate, true);
    assert.equal((second as AckFrame).mid, (first as AckFrame).mid);
    assert.deepEqual((second as AckFrame).pos, (first as AckFrame).pos);
    await until(
      'the resent message archived',
      async () => (await app.services.store.messages.count(room.id)) === 41,
    );
    const stored = await app.services.store.messages.byClientId(room.id, userId, 'again');
    assert.equal(stored?.id, (first as AckFrame).mid);
    assert.deepEqual(stored?.pos, (first as AckFrame).pos);
  });
});
