/**
 * Regression: a staff GET of a live read just before another process ended it asked the provider for the
 * ingest of a channel whose key was already revoked, and answered 404 for a live that exists. Now the live
 * is answered as it is, without ingest. (Seen in e2e/scale-live.test.ts: the api process polled while the
 * media process ended the live.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';

let app: InProcess;
before(async () => {
  app = await startLightstick();
});
after(() => app?.stop());

test('a live whose key was revoked before its row shows the end is answered without ingest', async () => {
  const owner = (await registerUser(app.baseUrl)).accessToken;
  const { community } = await createCommunity(app.baseUrl, owner);
  const live = (
    await http<LiveView>(app.baseUrl, 'POST', `/api/communities/${community.id}/lives`, {
      token: owner,
      body: { title: 'ending elsewhere' },
    })
  ).body;
  const record = await app.services.store.lives.byId(live.id);
  // What the ending process does first: the key is revoked at the provider.
  await app.services.store.localChannels.revoke(record!.channelId, Date.now());
  const got = await http<LiveView>(app.baseUrl, 'GET', `/api/lives/${live.id}`, { token: owner });
  assert.equal(got.status, 200, JSON.stringify(got.body));
  assert.equal(got.body.id, live.id);
  assert.equal(got.body.ingest, undefined);
  const list = await http<{ lives: LiveView[] }>(
    app.baseUrl,
    'GET',
    `/api/communities/${community.id}/lives`,
    {
      token: owner,
    },
  );
  assert.equal(list.status, 200);
  assert.equal(list.body.lives[0]?.ingest, undefined);
});
