/**
 * Client SDK and tokens against a real server whose clock the test moves: refresh once on
 * `token_expired` (one refresh shared by concurrent calls), reconnect with a fresh token after
 * 4004, re-auth on the same socket before `exp`, and a forged token stopping the client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { ApiClient, ApiError, RealtimeClient, type StoredTokens } from '@lightstick/client';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { uniqueName } from '../support/api.ts';
import { signedInUser, until, type TestUser } from '../support/client-support.ts';

describe('client SDK: tokens', () => {
  let srv: InProcess;
  let skewMs = 0;
  const runtime: Runtime = { ...systemRuntime, now: () => Date.now() + skewMs };
  const clients: TestUser[] = [];
  const closers: RealtimeClient[] = [];

  before(async () => {
    srv = await startLightstick({ runtime, env: { LIGHTSTICK_ACCESS_TTL_SEC: '10' } });
  });

  after(async () => {
    for (const c of clients) c.rt.close();
    for (const c of closers) c.close();
    await srv.stop();
  });

  test('an expired access token is refreshed once, shared by concurrent calls, and the calls retried', async () => {
    let refreshes = 0;
    const saved: (StoredTokens | null)[] = [];
    const api = new ApiClient({
      baseUrl: srv.baseUrl,
      onTokens: (t) => saved.push(t),
      fetch: (input, init) => {
        if (String(input).endsWith('/api/auth/refresh')) refreshes++;
        return fetch(input, init);
      },
    });
    const { user } = await api.register({ username: uniqueName('tok'), password: 'correct horse battery' });
    const first = api.tokens!.accessToken;
    skewMs += 11_000; // the server now sees the access token as expired
    const [me, communities, again] = await Promise.all([api.me(), api.listCommunities(), api.me()]);
    assert.equal(me.id, user.id);
    assert.equal(again.id, user.id);
    assert.ok(Array.isArray(communities));
    assert.equal(refreshes, 1, 'one refresh for three expired calls');
    assert.notEqual(api.tokens!.accessToken, first);
    assert.equal(saved.length, 2, 'sign-in and refresh both reported to onTokens');
    assert.deepEqual(saved.at(-1), api.tokens);
  });

  test('a refused refresh token ends the session with a clear error', async () => {
    const saved: (StoredTokens | null)[] = [];
    const api = new ApiClient({ baseUrl: srv.baseUrl, onTokens: (t) => saved.push(t) });
    await api.register({ username: uniqueName('tok'), password: 'correct horse battery' });
    const stale = { ...api.tokens!, refreshToken: 'not-a-refresh-token' };
    const broken = new ApiClient({ baseUrl: srv.baseUrl, tokens: stale, onTokens: (t) => saved.push(t) });
    skewMs += 11_000;
    await assert.rejects(broken.me(), (e: ApiError) => e instanceof ApiError && e.status === 401);
    assert.equal(broken.tokens, null);
    assert.equal(saved.at(-1), null);
  });

  test('a token the server sees as expired (4004) is refreshed and the client reconnects', async () => {
    const u = await signedInUser(srv.baseUrl, srv.wsUrl);
    clients.push(u);
    const forced: boolean[] = [];
    const rt = new RealtimeClient({
      url: srv.wsUrl,
      WebSocket,
      getToken: (o) => {
        forced.push(o.forceRefresh);
        return u.api.getAccessToken(o);
      },
    });
    closers.push(rt);
    skewMs += 11_000; // the SDK's token looks fresh locally, but the server says it expired
    rt.connect();
    await until(rt, () => rt.state === 'open', 'open with a refreshed token');
    assert.deepEqual(forced.slice(0, 2), [false, true]);
    const c = await u.api.createCommunity({ slug: uniqueName('tk'), name: 'Tokens' });
    const room = (await u.api.listRooms(c.id))[0]!;
    await rt.join(room.id);
    assert.equal((await rt.send(room.id, 'after refresh')).duplicate, false);
  });

  test('the client re-authenticates on the same socket before exp and outlives the first token', async () => {
    // The client's clock is 5 minutes behind the server's: the re-auth must not depend on it.
    const u = await signedInUser(srv.baseUrl, srv.wsUrl, { now: () => Date.now() - 300_000 });
    clients.push(u);
    const c = await u.api.createCommunity({ slug: uniqueName('ra'), name: 'Re-auth' });
    const room = (await u.api.listRooms(c.id))[0]!;
    u.rt.connect();
    await u.rt.join(room.id);
    const openedAt = Date.now();
    await until(u.rt, () => u.events('authed').length >= 2, 'a second authed', 20_000);
    const [firstAuth, reauth] = u.events('authed');
    assert.equal(firstAuth!.first, true);
    assert.equal(reauth!.first, false);
    assert.ok(reauth!.exp > firstAuth!.exp, 'the new token lives longer');
    // Past the first token's expiry the same connection still works.
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + 11_000 - Date.now())));
    assert.equal((await u.rt.send(room.id, 'still here')).duplicate, false);
    assert.deepEqual(u.states, ['connecting', 'open'], 'no reconnect was needed');
  });

  test('a forged token stops the client with a fatal auth error', async () => {
    const rt = new RealtimeClient({ url: srv.wsUrl, WebSocket, getToken: async () => 'forged.token.value' });
    closers.push(rt);
    const errors: { code: string; fatal: boolean }[] = [];
    rt.on('error', (e) => errors.push({ code: e.error.code, fatal: e.fatal }));
    rt.connect();
    await until(rt, () => rt.state === 'closed', 'stopped');
    assert.deepEqual(errors, [{ code: 'auth_failed', fatal: true }]);
  });
});
