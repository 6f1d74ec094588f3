/**
 * The refresh token as an HttpOnly, Secure, SameSite=Strict cookie scoped to /api/auth (issue 8), with the CSRF
 * header required when the cookie is what carries it; the body field keeps working for existing clients.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResponse } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { uniqueName } from '../support/api.ts';

describe('refresh cookie', () => {
  let app: InProcess;
  before(async () => {
    app = await startLightstick();
  });
  after(async () => {
    await app.stop();
  });

  const post = (path: string, opts: { cookie?: string; csrf?: boolean; body?: unknown }) =>
    fetch(app.baseUrl + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.csrf ? { 'x-lightstick-csrf': '1' } : {}),
      },
      body: JSON.stringify(opts.body ?? {}),
    });
  const cookieOf = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('ls_refresh='))!;

  test('sign-up sets the cookie; a refresh by cookie needs the CSRF header; logout clears it', async () => {
    const reg = await post('/api/auth/register', {
      body: { username: uniqueName('ck'), password: 'correct horse battery' },
    });
    assert.equal(reg.status, 201);
    const set = cookieOf(reg);
    assert.match(set, /HttpOnly/i);
    assert.match(set, /Secure/i);
    assert.match(set, /SameSite=Strict/i);
    assert.match(set, /Path=\/api\/auth/);
    const body = (await reg.json()) as AuthResponse;
    assert.ok(set.startsWith(`ls_refresh=${body.refreshToken};`));
    const cookie = set.split(';')[0]!;

    const noCsrf = await post('/api/auth/refresh', { cookie });
    assert.equal(noCsrf.status, 403);
    assert.equal(((await noCsrf.json()) as { error: { code: string } }).error.code, 'forbidden');

    const ok = await post('/api/auth/refresh', { cookie, csrf: true });
    assert.equal(ok.status, 200);
    const next = cookieOf(ok).split(';')[0]!;
    assert.notEqual(next, cookie);

    const out = await post('/api/auth/logout', { cookie: next, csrf: true });
    assert.equal(out.status, 204);
    assert.match(cookieOf(out), /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    assert.equal((await post('/api/auth/refresh', { cookie: next, csrf: true })).status, 401);
  });

  test('a cookie-mode client (it sends the CSRF header) never gets the refresh token in an answer', async () => {
    const username = uniqueName('ck');
    const reg = await post('/api/auth/register', {
      csrf: true,
      body: { username, password: 'correct horse battery' },
    });
    assert.equal(reg.status, 201);
    assert.equal(((await reg.json()) as AuthResponse).refreshToken, '');
    const login = await post('/api/auth/login', {
      csrf: true,
      body: { username, password: 'correct horse battery' },
    });
    assert.equal(login.status, 200);
    const loginBody = (await login.json()) as AuthResponse;
    assert.equal(loginBody.refreshToken, '');
    assert.ok(loginBody.accessToken.length > 0);
    const cookie = cookieOf(login).split(';')[0]!;
    assert.ok(cookie.length > 'ls_refresh='.length + 20, 'the cookie carries the token');
    const refreshed = await post('/api/auth/refresh', { cookie, csrf: true });
    assert.equal(refreshed.status, 200);
    assert.equal(((await refreshed.json()) as AuthResponse).refreshToken, '');
    assert.notEqual(cookieOf(refreshed).split(';')[0], cookie);
  });

  test('neither body nor cookie is a validation error', async () => {
    const res = await post('/api/auth/refresh', { csrf: true });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'validation_failed');
  });
});
