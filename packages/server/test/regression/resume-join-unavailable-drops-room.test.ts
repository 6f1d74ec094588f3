/**
 * After a reconnect the SDK joins each room again with `since`. When the server answered that re-join with
 * `unavailable` (its history or broker briefly out of reach; the protocol says: retry with backoff), the
 * SDK forgot the room for good: no retry, live messages ignored, sends refused with `not_joined`, while
 * the app had been told the room was joined and nothing rejected its promise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame } from '@lightstick/protocol';
import { RealtimeClient } from '@lightstick/client';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { nextId, received, until, world } from '../support/ws-fixtures.ts';
import { FlakyNet, texts } from '../support/client-support.ts';
import { AppError } from '../../src/errors.ts';

describe('regression: a resume join refused with unavailable', () => {
  let app: InProcess;
  let rt: RealtimeClient | undefined;
  let owner: WsTestClient;

  before(async () => {
    app = await startLightstick();
  });
  after(async () => {
    rt?.close();
    owner?.close();
    await app.stop();
  });

  test('the SDK joins again after a backoff and keeps the room', async () => {
    const w = world(app);
    const made = await w.ownerInRoomWithFan();
    owner = made.owner;
    const { room, fan } = made;

    const net = new FlakyNet();
    const delivered: string[] = [];
    rt = new RealtimeClient({
      url: app.wsUrl,
      getToken: async () => fan.token,
      WebSocket: net.ctor,
      backoff: { baseMs: 20, capMs: 100 },
    });
    rt.on('messages', (e) => delivered.push(...texts(e.messages)));
    const errors: string[] = [];
    rt.on('error', (e) => errors.push(e.error.code));
    rt.connect();
    await rt.join(room.id);

    // The next two resume reads fail as if the history store were briefly unreachable.
    const broker = app.services.broker;
    const read = broker.history.bind(broker);
    let failures = 2;
    broker.history = async (channel, opts) => {
      if (opts.since !== undefined && failures > 0) {
        failures--;
        throw new AppError('unavailable', 'history briefly unreachable');
      }
      return read(channel, opts);
    };
    let joins = 0;
    rt.on('joined', () => joins++);
    net.cut();
    await until(() => failures === 0 && joins > 0, 'the SDK joined again after the refusals', 8000).catch(
      () => {},
    );
    assert.deepEqual(errors.slice(0, 2), ['unavailable', 'unavailable']);
    assert.equal(joins, 1, 'joined once the server could serve the resume');

    const ack = await owner.request<AckFrame>({
      op: 'send',
      id: nextId(),
      room: room.id,
      cid: 'after',
      text: 'after the outage',
    });
    assert.equal(ack.t, 'ack');
    await until(() => received(owner, room.id).length === 1, 'owner gets it');
    await until(() => delivered.includes('after the outage'), 'the fan gets it').catch(() => {});
    assert.deepEqual(delivered, ['after the outage']);
    const mine = await rt.send(room.id, 'and I can still send');
    assert.equal(mine.duplicate, false);
  });
});
