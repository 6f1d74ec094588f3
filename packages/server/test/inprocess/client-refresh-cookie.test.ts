/**
 * The SDK's cookie mode (issue 8) against the real server: the refresh token never reaches the client (not in
 * the answers, not in `tokens`, not given to `onTokens`), only the cookie holds it; a new client on the same
 * cookie (a page load) restores the sign-in for HTTP and the WebSocket; an expired access token is refreshed
 * by cookie; logout clears the cookie. Node's fetch keeps no cookies, so a small jar plays the browser's part
 * (the real browser is web-app.test.ts's).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { ApiClient, ApiError, RealtimeClient, type StoredTokens } from '@lightstick/client';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { uniqueName } from '../support/api.ts';
import { until } from '../support/client-support.ts';

const PASSWORD = 'correct horse battery';

/** What a browser does with `ls_refresh`: keeps it as Set-Cookie says and sends it back under /api/auth. */
class CookieJar {
  value: string | undefined;
  /** Every auth request as it went out: path, whether it had the CSRF header, its body. */
  readonly sent: { path: string; csrf: boolean; body: string }[] = [];
  /** Every auth answer's body. */
  readonly answers: string[] = [];

  readonly fetch: typeof fetch = async (input, init) => {
    const path = new URL(String(input)).pathname;
    const headers = new Headers(init?.headers);
    const auth = path.startsWith('/api/auth/');
    if (auth && this.value !== undefined) headers.set('cookie', `ls_refresh=${this.value}`);
    if (auth)
      this.sent.push({
        path,
        csrf: headers.get('x-lightstick-csrf') === '1',
        body: String(init?.body ?? ''),
      });
    const res = await fetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const m = /^ls_refresh=([^;]*)/.exec(c);
      if (!m) continue;
      this.value = m[1] === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c) ? undefined : m[1];
    }
    if (auth) this.answers.push(await res.clone().text());
    return res;
  };
}

describe('client SDK: cookie mode', () => {
  let srv: InProcess;
  let skewMs = 0;
  const runtime: Runtime = { ...systemRuntime, now: () => Date.now() + skewMs };
  const closers: RealtimeClient[] = [];

  before(async () => {
    srv = await startLightstick({ runtime, env: { LIGHTSTICK_ACCESS_TTL_SEC: '10' } });
  });
  after(async () => {
    for (const c of closers) c.close();
    await srv.stop();
  });

  const cookieClient = (jar: CookieJar, saved: (StoredTokens | null)[] = []) =>
    new ApiClient({
      baseUrl: srv.baseUrl,
      refreshCookie: true,
      fetch: jar.fetch,
      onTokens: (t) => saved.push(t),
    });

  test('sign-up: the refresh token is only in the cookie; a new client on it (a page load) is signed in', async () => {
    const jar = new CookieJar();
    const saved: (StoredTokens | null)[] = [];
    const api = cookieClient(jar, saved);
    const res = await api.register({ username: uniqueName('ck'), password: PASSWORD });
    assert.equal(res.refreshToken, '', 'the answer carries no refresh token');
    assert.ok(jar.value && jar.value.length > 20, 'the cookie holds it');
    assert.equal(api.tokens!.refreshToken, '');
    assert.ok(!jar.answers.some((a) => a.includes(jar.value!)), 'no answer body holds the token');
    assert.ok(saved.every((t) => t?.refreshToken === ''));
    assert.deepEqual(
      jar.sent.map((s) => [s.path, s.csrf]),
      [['/api/auth/register', true]],
    );

    // A page load: a new client with nothing but the cookie.
    const reloaded = cookieClient(jar);
    assert.equal(reloaded.signedIn, false);
    const first = jar.value;
    assert.equal((await reloaded.me()).id, res.user.id);
    assert.equal(reloaded.signedIn, true);
    const refresh = jar.sent.at(-1)!;
    assert.deepEqual(refresh, { path: '/api/auth/refresh', csrf: true, body: '{}' });
    assert.notEqual(jar.value, first, 'the cookie rotated');
    assert.equal(reloaded.tokens!.refreshToken, '');
    assert.ok(!jar.answers.some((a) => a.includes(jar.value!) || a.includes(first!)));

    // The realtime connection of a fresh page load gets its token through the cookie too.
    const page = cookieClient(jar);
    const rt = new RealtimeClient({ url: srv.wsUrl, WebSocket, getToken: (o) => page.getAccessToken(o) });
    closers.push(rt);
    rt.on('error', () => undefined);
    rt.connect();
    await until(rt, () => rt.state === 'open', 'open with a token from the cookie');
  });

  test('an expired access token is refreshed by cookie, once for concurrent calls', async () => {
    const jar = new CookieJar();
    const api = cookieClient(jar);
    const { user } = await api.login({ username: (await signUpElsewhere()).name, password: PASSWORD });
    const before = jar.sent.length;
    skewMs += 11_000; // the server now sees the access token as expired
    const [a, b] = await Promise.all([api.me(), api.me()]);
    assert.equal(a.id, user.id);
    assert.equal(b.id, user.id);
    assert.deepEqual(
      jar.sent.slice(before).map((s) => [s.path, s.csrf, s.body]),
      [['/api/auth/refresh', true, '{}']],
    );
  });

  test('logout clears the cookie; the next page load is signed out', async () => {
    const jar = new CookieJar();
    const saved: (StoredTokens | null)[] = [];
    const api = cookieClient(jar);
    await api.register({ username: uniqueName('ck'), password: PASSWORD });
    const token = jar.value!;
    await api.logout();
    assert.deepEqual(jar.sent.at(-1), { path: '/api/auth/logout', csrf: true, body: '{}' });
    assert.equal(jar.value, undefined, 'the cookie is cleared');
    assert.equal(api.signedIn, false);

    const reloaded = cookieClient(jar, saved);
    await assert.rejects(
      reloaded.me(),
      (e: ApiError) => e instanceof ApiError && e.code === 'validation_failed',
    );
    assert.equal(reloaded.signedIn, false);
    assert.deepEqual(saved, [null], 'told the sign-in is over');

    // And the sign-in is over on the server, not only forgotten: its token is refused.
    jar.value = token;
    await assert.rejects(cookieClient(jar).me(), (e: ApiError) => e instanceof ApiError && e.status === 401);
  });

  test('a sign-in ended elsewhere ends the cookie client at its next refresh', async () => {
    const jar = new CookieJar();
    const saved: (StoredTokens | null)[] = [];
    const api = cookieClient(jar, saved);
    await api.register({ username: uniqueName('ck'), password: PASSWORD });
    await api.call('POST', '/api/auth/logout-all');
    await assert.rejects(api.refresh(), (e: ApiError) => e instanceof ApiError && e.status === 401);
    assert.equal(api.tokens, null);
    assert.equal(saved.at(-1), null);
  });

  test('the Node mode is unchanged: no CSRF header, the refresh token in the answer and in tokens', async () => {
    const jar = new CookieJar();
    const api = new ApiClient({ baseUrl: srv.baseUrl, fetch: jar.fetch });
    const res = await api.register({ username: uniqueName('nd'), password: PASSWORD });
    assert.ok(res.refreshToken.length > 20);
    assert.equal(api.tokens!.refreshToken, res.refreshToken);
    await api.refresh();
    assert.notEqual(api.tokens!.refreshToken, res.refreshToken);
    assert.ok(jar.sent.every((s) => !s.csrf));
    assert.match(jar.sent.at(-1)!.body, /"refreshToken":/);
  });

  async function signUpElsewhere(): Promise<{ name: string }> {
    const name = uniqueName('ck');
    await new ApiClient({ baseUrl: srv.baseUrl }).register({ username: name, password: PASSWORD });
    return { name };
  }
});
