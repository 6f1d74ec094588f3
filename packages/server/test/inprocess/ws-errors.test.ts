/**
 * Every bad input over a real WebSocket gets a clear answer with a stable code, and the server keeps serving
 * everyone else. The server clock is frozen (moved by hand) so rate limits and token expiry are exact.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Limits, type AckFrame, type ErrorFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';
import {
  join,
  nextId,
  received,
  shiftableRuntime,
  until,
  world,
  type TestUser,
} from '../support/ws-fixtures.ts';

describe('gateway: bad input', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;
  const runtime = shiftableRuntime();
  let observer: WsTestClient;
  let observerRoom: string;
  let owner: TestUser;
  let communityId: string;
  let room: string;

  before(async () => {
    app = await startLightstick({ runtime, limits: { maxRoomsPerConnection: 3 } });
    runtime.freeze();
    w = world(app);
    // The observer (an owner: priority rate limit) proves the server still serves others after each case.
    const obs = await w.newUser();
    observerRoom = (await w.newCommunity(obs)).room.id;
    observer = await w.connect(obs);
    await join(observer, observerRoom);
    owner = await w.newUser();
    const c = await w.newCommunity(owner);
    communityId = c.communityId;
    room = c.room.id;
  });
  after(async () => {
    observer.close();
    await app.stop();
  });

  async function stillServing(): Promise<void> {
    const before = received(observer, observerRoom).length;
    const ack = await observer.request<AckFrame>({
      op: 'send',
      id: nextId(),
      room: observerRoom,
      cid: `o${nextId()}`,
      text: 'still here',
    });
    assert.equal(ack.t, 'ack');
    await until(() => received(observer, observerRoom).length === before + 1, 'observer delivery');
  }

  async function fanClient(): Promise<{ user: TestUser; c: WsTestClient }> {
    const user = await w.newUser();
    await w.addMember(communityId, user);
    return { user, c: await w.connect(user) };
  }

  const errorFor = (c: WsTestClient, id: number) => c.next<ErrorFrame>((f) => f.t === 'error' && f.id === id);

  test('malformed JSON -> bad_frame; the connection stays usable', async () => {
    const { c } = await fanClient();
    c.send('{"op": "send", ');
    const err = await c.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(err.code, 'bad_frame');
    assert.equal(err.id, undefined);
    assert.equal((await c.request({ op: 'ping', id: nextId() })).t, 'pong');
    c.close();
    await stillServing();
  });

  test('unknown op -> unknown_op, with the frame id', async () => {
    const { c } = await fanClient();
    const id = nextId();
    c.send({ op: 'teleport', id });
    assert.equal((await errorFor(c, id)).code, 'unknown_op');
    c.close();
    await stillServing();
  });

  test('wrong types -> validation_failed, with the frame id', async () => {
    const { c } = await fanClient();
    for (const frame of [
      { op: 'join', room: 42 },
      { op: 'send', room: room, cid: 7, text: 'x' },
      { op: 'join', room: room, since: { epoch: 1, offset: 'x' } },
    ]) {
      const id = nextId();
      c.send({ ...frame, id });
      assert.equal((await errorFor(c, id)).code, 'validation_failed');
    }
    c.close();
    await stillServing();
  });

  test('too many bad frames in a row -> close 4029', async () => {
    const { c } = await fanClient();
    for (let i = 0; i < 12; i++) c.send('nope');
    assert.equal((await c.waitClose()).code, 4029);
    await stillServing();
  });

  test('a frame over maxFrameBytes -> close 1009', async () => {
    const { c } = await fanClient();
    await join(c, room);
    c.send({ op: 'send', id: nextId(), room, cid: 'big', text: 'x'.repeat(Limits.maxFrameBytes + 10) });
    assert.equal((await c.waitClose()).code, 1009);
    await stillServing();
  });

  test('frames before auth -> unauthenticated', async () => {
    const c = await WsTestClient.connect(app.wsUrl);
    const id = nextId();
    c.send({ op: 'join', id, room });
    assert.equal((await errorFor(c, id)).code, 'unauthenticated');
    c.close();
  });

  test('an expired token -> token_expired, close 4004', async () => {
    const user = await w.newUser();
    runtime.advance(-2 * 3_600_000);
    const stale = await w.tokenFor(user);
    runtime.advance(2 * 3_600_000);
    const c = await WsTestClient.connect(app.wsUrl);
    const id = nextId();
    c.send({ op: 'auth', id, token: stale });
    assert.equal((await errorFor(c, id)).code, 'token_expired');
    assert.equal((await c.waitClose()).code, 4004);
    await stillServing();
  });

  test('a forged or malformed token -> token_invalid, close 4003', async () => {
    const user = await w.newUser();
    const [h, p, s] = user.token.split('.');
    // Same header and payload with another user's claims, the original signature: it must not verify.
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, adm: true })).toString('base64url');
    for (const token of [`${h}.${forgedPayload}.${s}`, 'not-a-token', `${h}.${p}.${s!.slice(0, -4)}AAAA`]) {
      const c = await WsTestClient.connect(app.wsUrl);
      const id = nextId();
      c.send({ op: 'auth', id, token });
      assert.equal((await errorFor(c, id)).code, 'token_invalid');
      assert.equal((await c.waitClose()).code, 4003);
    }
    await stillServing();
  });

  test('join without the right: members-only room as a fan, community not joined, unknown room', async () => {
    const { c } = await fanClient();
    const vip = await w.addRoom(communityId, 'members');
    let id = nextId();
    c.send({ op: 'join', id, room: vip.id });
    assert.equal((await errorFor(c, id)).code, 'forbidden');
    const stranger = await w.newUser();
    const other = await w.newCommunity(stranger);
    id = nextId();
    c.send({ op: 'join', id, room: other.room.id });
    assert.equal((await errorFor(c, id)).code, 'forbidden');
    id = nextId();
    c.send({ op: 'join', id, room: 'no-such-room' });
    assert.equal((await errorFor(c, id)).code, 'not_found');
    // A paying member gets into the members-only room.
    const paid = await w.newUser();
    await w.addMember(communityId, paid, 'member');
    const pc = await w.connect(paid);
    assert.equal((await join(pc, vip.id)).reload, false);
    c.close();
    pc.close();
    await stillServing();
  });

  test('send to a room not joined -> not_joined; leave a room not joined -> not_joined', async () => {
    const { c } = await fanClient();
    let id = nextId();
    c.send({ op: 'send', id, room, cid: 'x', text: 'hello' });
    assert.equal((await errorFor(c, id)).code, 'not_joined');
    id = nextId();
    c.send({ op: 'leave', id, room });
    assert.equal((await errorFor(c, id)).code, 'not_joined');
    c.close();
  });

  test('more rooms than maxRoomsPerConnection -> too_many_rooms', async () => {
    const { c } = await fanClient();
    const rooms = [
      room,
      ...(await Promise.all([1, 2, 3].map(() => w.addRoom(communityId, 'public')))).map((r) => r.id),
    ];
    for (const r of rooms.slice(0, 3)) await join(c, r);
    const id = nextId();
    c.send({ op: 'join', id, room: rooms[3] });
    assert.equal((await errorFor(c, id)).code, 'too_many_rooms');
    c.close();
    await stillServing();
  });

  test('sending faster than allowed -> rate_limited with retryAfterMs', async () => {
    const { c } = await fanClient();
    await join(c, room);
    const hello = c.frames.find((f) => f.t === 'hello');
    assert.ok(hello?.t === 'hello');
    const burst = hello.limits.sendBurst;
    assert.ok(burst > 0, 'hello announces the fan bucket');
    for (let i = 0; i < burst; i++) {
      const ack = await c.request({ op: 'send', id: nextId(), room, cid: `r${i}`, text: `m${i}` });
      assert.equal(ack.t, 'ack');
    }
    const id = nextId();
    c.send({ op: 'send', id, room, cid: 'too-fast', text: 'one more' });
    const err = await errorFor(c, id);
    assert.equal(err.code, 'rate_limited');
    assert.ok(typeof err.retryAfterMs === 'number' && err.retryAfterMs > 0);
    runtime.advance(err.retryAfterMs);
    assert.equal(
      (await c.request({ op: 'send', id: nextId(), room, cid: 'later', text: 'ok now' })).t,
      'ack',
    );
    c.close();
    await stillServing();
  });

  test('a message too long -> message_too_long; empty -> validation_failed', async () => {
    const { c } = await fanClient();
    await join(c, room);
    let id = nextId();
    c.send({ op: 'send', id, room, cid: 'long', text: 'ㅋ'.repeat(Limits.maxMessageChars + 1) });
    assert.equal((await errorFor(c, id)).code, 'message_too_long');
    id = nextId();
    c.send({ op: 'send', id, room, cid: 'empty', text: '   ' });
    assert.equal((await errorFor(c, id)).code, 'validation_failed');
    c.close();
    await stillServing();
  });
});
