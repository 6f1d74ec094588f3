import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AuthResponse, CommunityView } from '@lightstick/protocol';
import { PASSWORD, errorCode, register, startHttp, uniq, type HttpFixture } from '../support/http-fixture.ts';

describe('HTTP error answers, health and metrics', () => {
  let f: HttpFixture;
  let user: AuthResponse;
  before(async () => {
    f = await startHttp();
    user = await register(f);
  });
  after(async () => {
    await f.close();
  });

  test('malformed JSON answers 400 bad_request', async () => {
    const res = await f.request('POST', '/api/auth/login', { raw: '{"username": "x", ' });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res), 'bad_request');
  });

  test('prototype poisoning in JSON is refused', async () => {
    const res = await f.request('POST', '/api/auth/login', {
      raw: '{"username":"x","password":"y","__proto__":{"admin":true}}',
    });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res), 'bad_request');
  });

  test('a body over 64 KiB answers 413 with a code', async () => {
    const res = await f.request('POST', '/api/auth/login', {
      body: { username: 'x', password: 'y'.repeat(70 * 1024) },
    });
    assert.equal(res.status, 413);
    assert.equal(errorCode(res), 'message_too_long');
  });

  test('a body that is not JSON answers bad_request', async () => {
    const res = await f.request('POST', '/api/auth/login', {
      raw: 'username=x&password=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.status, 400);
    assert.equal(errorCode(res), 'bad_request');
  });

  test('an empty JSON body on a body-less POST is fine; on a POST that needs one it is validation_failed', async () => {
    const c = await f.request<CommunityView>('POST', '/api/communities', {
      token: user.accessToken,
      body: { slug: uniq('e'), name: 'e' },
    });
    const join = await f.request('POST', `/api/communities/${c.body.id}/join`, {
      token: user.accessToken,
      raw: '',
    });
    assert.equal(join.status, 200);
    const login = await f.request('POST', '/api/auth/login', { raw: '' });
    assert.equal(login.status, 400);
    assert.equal(errorCode(login), 'validation_failed');
  });

  test('unknown routes answer 404 not_found, with or without a token', async () => {
    for (const [method, path] of [
      ['GET', '/api/nothing'],
      ['DELETE', '/api/me'],
      ['GET', '/nothing'],
    ] as const) {
      const res = await f.request(method, path);
      assert.equal(res.status, 404, path);
      assert.equal(errorCode(res), 'not_found');
    }
  });

  test('an unexpected failure answers 500 internal without the stack or message', async () => {
    const original = f.store.users.byId;
    f.store.users.byId = async () => {
      throw new Error('kaboom at /srv/secret/path.ts:12');
    };
    try {
      const res = await f.request('GET', '/api/me', { token: user.accessToken });
      assert.equal(res.status, 500);
      assert.equal(errorCode(res), 'internal');
      assert.ok(!res.text.includes('kaboom'));
      assert.ok(!res.text.includes('secret/path'));
      assert.ok(f.logs().includes('kaboom'), 'the cause is logged for operators');
    } finally {
      f.store.users.byId = original;
    }
  });

  test('healthz, readyz and metrics', async () => {
    assert.deepEqual((await f.request('GET', '/healthz')).body, { status: 'ok' });
    const ready = await f.request('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { ready: true, checks: { database: true } });
    const metrics = await f.request('GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    for (const name of [
      'lightstick_http_requests_total',
      'lightstick_errors_total',
      'lightstick_connections',
    ]) {
      assert.ok(metrics.text.includes(name), name);
    }
    assert.match(metrics.text, /lightstick_errors_total\{[^}]*code="not_found"[^}]*surface="http"/);
    assert.match(metrics.text, /lightstick_http_requests_total\{[^}]*route="\/api\/me"/);
  });

  test('readyz answers 503 with the checks when not ready', async () => {
    const g = await startHttp({ ready: false });
    try {
      const res = await g.request('GET', '/readyz');
      assert.equal(res.status, 503);
      assert.deepEqual(res.body, { ready: false, checks: { database: true } });
    } finally {
      await g.close();
    }
  });

  test('secrets never reach the log', async () => {
    const g = await startHttp();
    try {
      const name = uniq('secret');
      const reg = await register(g, name);
      const login = await g.request<AuthResponse>('POST', '/api/auth/login', {
        body: { username: name, password: PASSWORD },
      });
      await g.request('POST', '/api/auth/login', { body: { username: name, password: 'a-wrong-password' } });
      const refreshed = await g.request<AuthResponse>('POST', '/api/auth/refresh', {
        body: { refreshToken: login.body.refreshToken },
      });
      await g.request('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
      await g.request('GET', '/api/me', { token: refreshed.body.accessToken });
      await g.request('GET', '/api/me', { token: `${reg.accessToken}tampered` });
      await g.request('POST', '/api/auth/logout', { body: { refreshToken: refreshed.body.refreshToken } });
      const original = g.store.users.byId;
      g.store.users.byId = async () => {
        throw new Error('boom');
      };
      await g.request('GET', '/api/me', { token: reg.accessToken });
      g.store.users.byId = original;
      const logs = g.logs();
      assert.ok(logs.includes('/api/auth/login'), 'requests are logged');
      const secrets = [
        PASSWORD,
        'a-wrong-password',
        reg.accessToken,
        reg.refreshToken,
        login.body.accessToken,
        login.body.refreshToken,
        refreshed.body.accessToken,
        refreshed.body.refreshToken,
      ];
      for (const s of secrets) assert.ok(!logs.includes(s), `secret leaked: ${s.slice(0, 8)}…`);
      // Not even a token's signature part.
      assert.ok(!logs.includes(reg.accessToken.split('.')[2]!));
    } finally {
      await g.close();
    }
  });
});
