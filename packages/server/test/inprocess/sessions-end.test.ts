/**
 * Sessions that really end (issue 8): logout, logout everywhere, a password change, an admin's revocation and
 * refresh-token reuse end the sign-in's refresh tokens, its access tokens (HTTP and WebSocket `auth`, cached
 * ones included) and its live WebSocket connections on every gateway node at once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import type { AuthResponse, SessionsEnded } from '@lightstick/protocol';
import { startNodes, type InProcessNodes } from '../support/nodes.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { nextId } from '../support/ws-fixtures.ts';
import { http, loginAdmin, registerUser, uniqueName } from '../support/api.ts';

const PASSWORD = 'correct horse battery';

describe('sessions that really end', () => {
  let cluster: InProcessNodes;
  let base: string;
  const clients: WsTestClient[] = [];

  before(async () => {
    cluster = await startNodes(2);
    base = cluster.app.baseUrl;
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
  });

  const connect = async (node: number, token: string) => {
    const c = await WsTestClient.authed(cluster.nodes[node]!.wsUrl, token);
    clients.push(c);
    return c;
  };
  const login = async (username: string, password = PASSWORD) => {
    const res = await http<AuthResponse>(base, 'POST', '/api/auth/login', { body: { username, password } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const me = async (token: string) => (await http(base, 'GET', '/api/me', { token })).status;
  /** A fresh connection authenticating with `token`: the error code it gets, or 'authed'. */
  const wsAuth = async (node: number, token: string) => {
    const c = await WsTestClient.connect(cluster.nodes[node]!.wsUrl);
    clients.push(c);
    const f = await c.request({ op: 'auth', id: nextId(), token });
    return f.t === 'error' ? f.code : f.t;
  };
  const closedWith = async (c: WsTestClient) => (await c.waitClose()).code;

  test('access tokens name their sign-in and live no longer than the configured TTL', async () => {
    const a = await registerUser(base);
    const claims = decodeJwt(a.accessToken);
    assert.equal(typeof claims.sid, 'string');
    assert.equal(claims.exp! - claims.iat!, 900);
  });

  test('logout ends the access token on HTTP and WebSocket, and closes its sockets on every node', async () => {
    const name = uniqueName('bye');
    const a = await registerUser(base, name);
    const other = await login(name); // another sign-in of the same account stays
    const sockets = [await connect(0, a.accessToken), await connect(1, a.accessToken)];
    const otherSocket = await connect(1, other.accessToken);
    assert.equal(await me(a.accessToken), 200);

    const out = await http(base, 'POST', '/api/auth/logout', { body: { refreshToken: a.refreshToken } });
    assert.equal(out.status, 204);
    assert.deepEqual(await Promise.all(sockets.map(closedWith)), [4003, 4003]);
    assert.equal(await me(a.accessToken), 401);
    // Node 1 verified this token before (its cache holds it): the cache honours the revocation.
    assert.equal(await wsAuth(1, a.accessToken), 'token_invalid');
    assert.equal(await wsAuth(0, a.accessToken), 'token_invalid');
    // The other sign-in is untouched.
    assert.equal(await me(other.accessToken), 200);
    assert.equal((await otherSocket.request({ op: 'ping', id: nextId() })).t, 'pong');
  });

  test('logout-all ends every sign-in of the caller', async () => {
    const name = uniqueName('all');
    const a = await registerUser(base, name);
    const b = await login(name);
    const sa = await connect(0, a.accessToken);
    const sb = await connect(1, b.accessToken);
    const res = await http<SessionsEnded>(base, 'POST', '/api/auth/logout-all', { token: a.accessToken });
    assert.equal(res.status, 200);
    assert.equal(res.body.ended, 2);
    assert.deepEqual([await closedWith(sa), await closedWith(sb)], [4003, 4003]);
    assert.equal(await me(a.accessToken), 401);
    assert.equal(await me(b.accessToken), 401);
    const refreshed = await http(base, 'POST', '/api/auth/refresh', {
      body: { refreshToken: b.refreshToken },
    });
    assert.equal(refreshed.status, 401);
  });

  test('a password change needs the current password and ends every other sign-in', async () => {
    const name = uniqueName('pw');
    const a = await registerUser(base, name);
    const b = await login(name);
    const sa = await connect(0, a.accessToken);
    const sb = await connect(1, b.accessToken);
    const wrong = await http<{ error: { code: string } }>(base, 'PUT', '/api/me/password', {
      token: a.accessToken,
      body: { currentPassword: 'not my password', newPassword: 'a brand new secret' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    const asName = await http<{ error: { code: string } }>(base, 'PUT', '/api/me/password', {
      token: a.accessToken,
      body: { currentPassword: PASSWORD, newPassword: name.toUpperCase() },
    });
    assert.equal(asName.status, 400);
    assert.equal(asName.body.error.code, 'validation_failed');
    const ok = await http(base, 'PUT', '/api/me/password', {
      token: a.accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
    });
    assert.equal(ok.status, 204);
    assert.equal(await closedWith(sb), 4003);
    assert.equal(await me(b.accessToken), 401);
    // The caller's own sign-in stays, and the new password works.
    assert.equal(await me(a.accessToken), 200);
    assert.equal((await sa.request({ op: 'ping', id: nextId() })).t, 'pong');
    await login(name, 'a brand new secret');
  });

  test("an admin ends a user's sign-ins", async () => {
    const admin = await loginAdmin(base);
    const a = await registerUser(base);
    const sa = await connect(1, a.accessToken);
    const notAdmin = await http(base, 'POST', `/api/admin/users/${a.user.id}/sessions/revoke`, {
      token: a.accessToken,
    });
    assert.equal(notAdmin.status, 403);
    const res = await http<SessionsEnded>(base, 'POST', `/api/admin/users/${a.user.id}/sessions/revoke`, {
      token: admin.accessToken,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.ended, 1);
    assert.equal(await closedWith(sa), 4003);
    assert.equal(await me(a.accessToken), 401);
  });

  test('refresh-token reuse ends the access tokens and sockets of the whole sign-in', async () => {
    const a = await registerUser(base);
    const stolen = a.refreshToken;
    const thief = await http<AuthResponse>(base, 'POST', '/api/auth/refresh', {
      body: { refreshToken: stolen },
    });
    assert.equal(thief.status, 200);
    const thiefSocket = await connect(0, thief.body.accessToken);
    const victim = await http<{ error: { code: string } }>(base, 'POST', '/api/auth/refresh', {
      body: { refreshToken: stolen },
    });
    assert.equal(victim.body.error.code, 'refresh_reused');
    assert.equal(await closedWith(thiefSocket), 4003);
    assert.equal(await me(thief.body.accessToken), 401);
    assert.equal(await me(a.accessToken), 401);
    // The thief's successor is dead too, and using it is a theft signal as well.
    const again = await http<{ error: { code: string } }>(base, 'POST', '/api/auth/refresh', {
      body: { refreshToken: thief.body.refreshToken },
    });
    assert.equal(again.body.error.code, 'refresh_reused');
  });
});
