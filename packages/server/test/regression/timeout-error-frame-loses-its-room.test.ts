/**
 * A moderator's timeout is told to the person's connections at once: an `error` frame `timed_out` with
 * `retryAfterMs` and `room`, answering no request. The SDK reported it as an `error` event whose
 * RealtimeError had no room (it took the room only from a pending send), so an app could not say in which room
 * the fan was timed out, and the web app ignored it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RealtimeError } from '@lightstick/client';
import type { RoomView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http } from '../support/api.ts';
import { signedInUser, until, type TestUser } from '../support/client-support.ts';

describe('regression: a timeout told by the server lost its room in the SDK', () => {
  let srv: InProcess;
  const users: TestUser[] = [];

  before(async () => {
    srv = await startLightstick();
  });
  after(async () => {
    for (const u of users) u.rt.close();
    await srv.stop();
  });

  test('the error event names the room and the time left', async () => {
    const owner = await signedInUser(srv.baseUrl, srv.wsUrl);
    const fan = await signedInUser(srv.baseUrl, srv.wsUrl);
    users.push(owner, fan);
    const c = await owner.api.createCommunity({ slug: 'timeout-room', name: 'Timeout room' });
    const room: RoomView = (await owner.api.listRooms(c.id))[0]!;
    await fan.api.joinCommunity(c.id);
    fan.rt.connect();
    await fan.rt.join(room.id);
    const me = await fan.api.me();
    const r = await http(srv.baseUrl, 'POST', `/api/communities/${c.id}/timeouts`, {
      token: await owner.api.getAccessToken({ forceRefresh: false }),
      body: { userId: me.id, seconds: 600 },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const timedOut = (): RealtimeError | undefined =>
      fan.events('error').find((e) => e.error.code === 'timed_out')?.error;
    await until(fan.rt, () => timedOut() !== undefined, 'the timeout told');
    assert.equal(timedOut()!.room, room.id);
    const left = timedOut()!.retryAfterMs ?? 0;
    assert.ok(left > 590_000 && left <= 600_000, `time left ${left}`);
  });
});
