/**
 * Joins per connection (LIGHTSTICK_JOIN_LIMIT per LIGHTSTICK_JOIN_WINDOW_SEC): the limit-th join passes, the next
 * one answers `rate_limited` with the wait, another connection has its own allowance, and the allowance comes
 * back with time (the server's clock is moved, not waited for). Joins per account (LIGHTSTICK_USER_JOIN_LIMIT)
 * count over all the account's connections: a new connection brings no new allowance.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { nextId, shiftableRuntime, world } from '../support/ws-fixtures.ts';

describe('joins per connection', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  before(async () => {
    app = await startLightstick({
      runtime,
      env: { LIGHTSTICK_JOIN_LIMIT: '3', LIGHTSTICK_JOIN_WINDOW_SEC: '10' },
    });
  });
  after(() => app.stop());

  test('the 3rd join passes, the 4th is refused with retryAfterMs, until the window refills', async () => {
    runtime.freeze();
    const w = world(app);
    const { room, communityId } = await w.ownerInRoomWithFan();
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const c = await w.connect(fan);
    const joinOnce = () => c.request({ op: 'join', id: nextId(), room: room.id });
    for (let i = 0; i < 3; i++) assert.equal((await joinOnce()).t, 'joined');
    const refused = (await joinOnce()) as ErrorFrame;
    assert.equal(refused.code, 'rate_limited');
    assert.ok(
      refused.retryAfterMs! > 0 && refused.retryAfterMs! <= 10_000 / 3 + 1,
      `${refused.retryAfterMs}`,
    );
    // Another connection of the same person has its own allowance.
    const other = await w.connect(fan);
    assert.equal((await other.request({ op: 'join', id: nextId(), room: room.id })).t, 'joined');
    runtime.advance(refused.retryAfterMs!);
    assert.equal((await joinOnce()).t, 'joined');
    assert.equal(((await joinOnce()) as ErrorFrame).code, 'rate_limited');
    c.close();
    other.close();
  });
});

describe('joins per account', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  before(async () => {
    app = await startLightstick({
      runtime,
      env: { LIGHTSTICK_JOIN_LIMIT: '3', LIGHTSTICK_USER_JOIN_LIMIT: '5', LIGHTSTICK_JOIN_WINDOW_SEC: '10' },
    });
  });
  after(() => app.stop());

  test('the 5th join over all connections passes, the 6th is refused on any of them, until the window refills', async () => {
    runtime.freeze();
    const w = world(app);
    const { room, communityId, owner } = await w.ownerInRoomWithFan();
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const joinOn = (c: Awaited<ReturnType<typeof w.connect>>) =>
      c.request({ op: 'join', id: nextId(), room: room.id });
    const a = await w.connect(fan);
    const b = await w.connect(fan);
    for (let i = 0; i < 3; i++) assert.equal((await joinOn(a)).t, 'joined');
    for (let i = 0; i < 2; i++) assert.equal((await joinOn(b)).t, 'joined');
    const refused = (await joinOn(b)) as ErrorFrame;
    assert.equal(refused.code, 'rate_limited');
    assert.match(refused.message, /account/);
    assert.ok(
      refused.retryAfterMs! > 0 && refused.retryAfterMs! <= 10_000 / 5 + 1,
      `${refused.retryAfterMs}`,
    );
    // A new connection does not bring a new allowance.
    const c = await w.connect(fan);
    assert.equal(((await joinOn(c)) as ErrorFrame).code, 'rate_limited');
    // Someone else has their own.
    const other = await w.newUser();
    await w.addMember(communityId, other);
    const o = await w.connect(other);
    assert.equal((await joinOn(o)).t, 'joined');
    runtime.advance(refused.retryAfterMs!);
    assert.equal((await joinOn(c)).t, 'joined');
    for (const x of [a, b, c, o, owner]) x.close();
  });
});
