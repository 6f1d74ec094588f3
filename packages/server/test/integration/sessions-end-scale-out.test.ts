/**
 * Sessions that really end in scale-out mode (issue 8): two processes sharing one Redis and one PostgreSQL.
 * A logout through process A refuses the access token on process B (the revocation set lives in Redis) and
 * closes the sign-in's socket on B (the `session.revoked` control message through the Redis broker); 50
 * concurrent refresh races through the two processes leave no live session.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResponse } from '@lightstick/protocol';
import type { InProcess } from '../support/harness.ts';
import { startScaleOutPair, type ScaleOutPair } from '../support/scale-out-pair.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { nextId } from '../support/ws-fixtures.ts';
import { http, registerUser } from '../support/api.ts';

describe('sessions end across processes (Redis and PostgreSQL)', () => {
  let pair: ScaleOutPair | undefined;
  let a: InProcess;
  let b: InProcess;
  const clients: WsTestClient[] = [];

  before(async () => {
    pair = await startScaleOutPair();
    ({ a, b } = pair);
  });
  after(async () => {
    for (const c of clients) c.close();
    await pair?.stop();
  });

  test('a logout on one process ends the access token and the socket on the other', async () => {
    const u = await registerUser(a.baseUrl);
    const onB = await WsTestClient.authed(b.wsUrl, u.accessToken);
    clients.push(onB);
    assert.equal((await http(b.baseUrl, 'GET', '/api/me', { token: u.accessToken })).status, 200);
    const out = await http(a.baseUrl, 'POST', '/api/auth/logout', { body: { refreshToken: u.refreshToken } });
    assert.equal(out.status, 204);
    assert.equal((await onB.waitClose()).code, 4003);
    assert.equal((await http(b.baseUrl, 'GET', '/api/me', { token: u.accessToken })).status, 401);
    const again = await WsTestClient.connect(b.wsUrl);
    clients.push(again);
    const f = await again.request({ op: 'auth', id: nextId(), token: u.accessToken });
    assert.equal(f.t === 'error' && f.code, 'token_invalid');
  });

  test('50 concurrent refresh races through two processes: zero surviving sessions', async () => {
    const u = await registerUser(a.baseUrl);
    let stolen = u.refreshToken;
    for (let race = 0; race < 50; race++) {
      const [x, y] = await Promise.all(
        [a, b].map((p) =>
          http<AuthResponse & { error?: { code: string } }>(p.baseUrl, 'POST', '/api/auth/refresh', {
            body: { refreshToken: stolen },
          }),
        ),
      );
      const wins = [x!, y!].filter((r) => r.status === 200);
      assert.equal(wins.length, 1, `race ${race}`);
      const loser = [x!, y!].find((r) => r.status !== 200)!;
      assert.equal(loser.body.error?.code, 'refresh_reused', `race ${race}`);
      const winner = wins[0]!.body;
      // The winner's tokens died with the sign-in.
      assert.equal((await http(a.baseUrl, 'GET', '/api/me', { token: winner.accessToken })).status, 401);
      const next = await http(b.baseUrl, 'POST', '/api/auth/refresh', {
        body: { refreshToken: winner.refreshToken },
      });
      assert.equal(next.status, 401, `race ${race}: the winner kept a session`);
      // A new sign-in for the next race, through the service from ten addresses in turn: fifty sign-ins from
      // one address would spend its limit, and fifty new addresses the account's (an address that signed in
      // before is spared it, as an owner's usual address is).
      const login = await a.server.built.auth!.login(
        { username: u.user.name, password: 'correct horse battery' },
        `192.0.2.${1 + (race % 10)}`,
      );
      stolen = login.refreshToken;
    }
  });
});
