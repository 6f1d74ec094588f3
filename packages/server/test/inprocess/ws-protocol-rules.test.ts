/**
 * The protocol rules docs/protocol.md states beyond the frame shapes, checked over a real WebSocket: which
 * refusals count toward the 4029 close, that a burst of frames (pings too) is paused rather than closed,
 * that a `since` ahead of the room answers `reload: true`, and what a non-string `op` gets.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { ErrorFrame } from '@lightstick/protocol';
import { PAUSE_AT_PENDING, MAX_STRIKES } from '../../src/gateway/ws-handler.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, until, world } from '../support/ws-fixtures.ts';

const STRUCK_OUT = { code: 4029, reason: 'too many bad frames' };

describe('gateway: protocol rules', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;

  before(async () => {
    app = await startLightstick();
    w = world(app);
  });
  after(async () => {
    await app.stop();
  });

  /** An owner connected and joined to their community room (owners may send 20 times the fan rate). */
  async function ownerInRoom(): Promise<{ c: WsTestClient; room: string }> {
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await w.connect(owner);
    await join(c, room.id);
    return { c, room: room.id };
  }

  const errorFor = (c: WsTestClient, id: number) => c.next<ErrorFrame>((f) => f.t === 'error' && f.id === id);
  const pong = async (c: WsTestClient) =>
    assert.equal((await c.request({ op: 'ping', id: nextId() })).t, 'pong');

  /** Sends `n` frames made by `frame` and waits for each answer, asserting its code. */
  async function refused(c: WsTestClient, n: number, code: string, frame: (id: number) => object) {
    for (let i = 0; i < n; i++) {
      const id = nextId();
      c.send({ ...frame(id), id });
      assert.equal((await errorFor(c, id)).code, code);
    }
  }

  test(`${MAX_STRIKES} unknown_op frames in a row close with 4029`, async () => {
    const { c } = await ownerInRoom();
    await refused(c, MAX_STRIKES - 1, 'unknown_op', () => ({ op: 'teleport' }));
    await pong(c);
    c.send({ op: 'teleport', id: nextId() }); // the count started again after the pong
    await refused(c, MAX_STRIKES - 1, 'unknown_op', () => ({ op: 'teleport' }));
    assert.deepEqual(await c.waitClose(), STRUCK_OUT);
  });

  test('the heartbeat pong between bad frames starts the count again, as any good frame does', async () => {
    const { c } = await ownerInRoom();
    await refused(c, MAX_STRIKES - 1, 'unknown_op', () => ({ op: 'teleport' }));
    c.send('{"op":"pong"}'); // the SDK's spelling, read without a decode (ws-handler.ts); never answered
    c.send({ op: 'teleport', id: nextId() }); // the count started again after the pong
    await refused(c, MAX_STRIKES - 1, 'unknown_op', () => ({ op: 'teleport' }));
    assert.deepEqual(await c.waitClose(), STRUCK_OUT);
  });

  test(`${MAX_STRIKES} frames with a field of the wrong type (decoder validation_failed) close with 4029`, async () => {
    const { c, room } = await ownerInRoom();
    await refused(c, MAX_STRIKES - 1, 'validation_failed', () => ({ op: 'send', room, cid: 7, text: 'x' }));
    c.send({ op: 'join', id: nextId(), room: 42 });
    assert.deepEqual(await c.waitClose(), STRUCK_OUT);
  });

  test('a non-string op answers validation_failed naming op, with the frame id, and counts', async () => {
    const { c } = await ownerInRoom();
    const id = nextId();
    c.send({ op: 5, id });
    const err = await errorFor(c, id);
    assert.equal(err.code, 'validation_failed');
    assert.match(err.message, /^op /);
    await refused(c, MAX_STRIKES - 2, 'validation_failed', () => ({ op: ['send'] }));
    c.send({ op: null });
    assert.deepEqual(await c.waitClose(), STRUCK_OUT);
  });

  test(`${MAX_STRIKES + 2} sends refused by the send pipeline (empty text: validation_failed) do not close`, async () => {
    const { c, room } = await ownerInRoom();
    await refused(c, MAX_STRIKES + 2, 'validation_failed', (id) => ({
      op: 'send',
      room,
      cid: `e${id}`,
      text: '  ',
    }));
    await pong(c);
    assert.equal(c.closed, undefined);
    c.close();
  });

  test('other refusals neither count nor reset the count: 9 bad, a not_joined, 1 bad close with 4029', async () => {
    const { c } = await ownerInRoom();
    await refused(c, MAX_STRIKES - 1, 'bad_frame', () => ({ no: 'op' }));
    await refused(c, 1, 'not_joined', () => ({ op: 'leave', room: 'elsewhere' }));
    c.send('not json');
    assert.deepEqual(await c.waitClose(), STRUCK_OUT);
  });

  /** Writes `n` pings in one TCP write, so the server reads them all before it handles the first. */
  function pingBurst(c: WsTestClient, n: number): void {
    const socket = (c.ws as unknown as { _socket: Socket })._socket;
    socket.cork();
    for (let i = 0; i < n; i++) c.send({ op: 'ping', id: nextId() });
    socket.uncork();
  }

  test(`a burst of pings far past the pause threshold (${PAUSE_AT_PENDING}) is paused, all answered, never closed`, async () => {
    const { c } = await ownerInRoom();
    const before = c.frames.length;
    const n = PAUSE_AT_PENDING * 40;
    pingBurst(c, n);
    await until(() => c.frames.slice(before).filter((f) => f.t === 'pong').length === n, 'every pong');
    assert.equal(c.closed, undefined);
    await pong(c);
    c.close();
  });

  test("a since ahead of the room's position answers reload: true from the room's position", async () => {
    const { c, room } = await ownerInRoom();
    const ack = await c.request({ op: 'send', id: nextId(), room, cid: 'one', text: 'one' });
    assert.equal(ack.t, 'ack');
    const pos = ack.t === 'ack' ? ack.pos : undefined;
    const again = await w.connect(await w.newUser({ admin: true }));
    const joined = await join(again, room, { epoch: pos!.epoch, offset: pos!.offset + 5 });
    assert.deepEqual(
      { reload: joined.reload, missed: joined.missed, pos: joined.pos },
      { reload: true, missed: [], pos },
    );
    c.close();
    again.close();
  });
});
