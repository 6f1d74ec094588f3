/**
 * The SDK promises that a burst of sends survives the rate limit (each rate-limited send is resent after
 * `retryAfterMs`). It used to write the whole burst at once: past the burst allowance every send came back
 * `rate_limited`, ten in a row, and the server closed the connection with 4029, a close the SDK does not
 * recover from: every pending send was rejected.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { signedInUser, texts, until, type TestUser } from '../support/client-support.ts';

describe('regression: a burst of sends from the SDK', () => {
  let srv: InProcess;
  let owner: TestUser;
  let room: RoomView;
  const clients: TestUser[] = [];

  before(async () => {
    // A fan bucket of 10: the burst of twenty below runs into it (the default burst is 20).
    srv = await startLightstick({ env: { LIGHTSTICK_SEND_RATE_FAN: '10/2s' } });
    owner = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(owner);
    const c = await owner.api.createCommunity({ slug: 'reg-burst', name: 'Burst' });
    room = (await owner.api.listRooms(c.id))[0]!;
  });

  after(async () => {
    for (const c of clients) c.rt.close();
    await srv.stop();
  });

  test('twenty sends at once are all acknowledged, without a 4029 close', async () => {
    const fan = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(fan);
    await fan.api.joinCommunity(room.communityId);
    fan.rt.connect();
    await fan.rt.join(room.id);
    const words = Array.from({ length: 20 }, (_, i) => `burst ${i}`);
    const acks = await Promise.all(words.map((w) => fan.rt.send(room.id, w)));
    assert.equal(new Set(acks.map((a) => a.mid)).size, words.length);
    assert.deepEqual(
      fan.events('error').filter((e) => e.fatal),
      [],
    );
    assert.ok(fan.events('throttled').length > 0, 'the server rate-limited part of the burst');
    await until(
      fan.rt,
      () => texts(fan.received.get(room.id)).filter((t) => t.startsWith('burst ')).length === words.length,
      'all arrive',
    );
  });
});
