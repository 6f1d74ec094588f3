/**
 * Abuse limits at the doors (issue 8), at their boundaries: WebSocket sockets per address (unauthenticated ones
 * counted) and per account, the upgrade's Origin, the client address behind trusted proxies only, the HTTP
 * request timeout against a trickled body, security headers on every answer, and `text/plain` bodies.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import WebSocket from 'ws';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { http, registerUser } from '../support/api.ts';

/** The HTTP status of a refused upgrade, or 101 when it opened (then closed again). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

describe('abuse limits', () => {
  let app: InProcess;
  const clients: WsTestClient[] = [];
  before(async () => {
    app = await startLightstick({
      env: {
        LIGHTSTICK_WS_MAX_PER_ADDRESS: '4',
        LIGHTSTICK_WS_MAX_PER_ACCOUNT: '2',
        LIGHTSTICK_HTTP_REQUEST_TIMEOUT_MS: '1000',
        LIGHTSTICK_HTTP_HEADERS_TIMEOUT_MS: '1000',
      },
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await app.stop();
  });

  test('an account holds at most LIGHTSTICK_WS_MAX_PER_ACCOUNT sockets; the next closes 4013', async () => {
    const u = await registerUser(app.baseUrl);
    const two = [
      await WsTestClient.authed(app.wsUrl, u.accessToken),
      await WsTestClient.authed(app.wsUrl, u.accessToken),
    ];
    clients.push(...two);
    const third = await WsTestClient.authed(app.wsUrl, u.accessToken);
    clients.push(third);
    const err = await third.next((f) => f.t === 'error');
    assert.equal(err.t === 'error' && err.code, 'rate_limited');
    assert.equal((await third.waitClose()).code, 4013);
    // Closing one makes room again.
    two[0]!.close();
    await two[0]!.waitClose();
    const again = await WsTestClient.authed(app.wsUrl, u.accessToken);
    clients.push(again);
    assert.equal((await again.request({ op: 'ping', id: 1 })).t, 'pong');
    for (const c of [two[1]!, again]) {
      c.close();
      await c.waitClose();
    }
  });

  test('an address holds at most LIGHTSTICK_WS_MAX_PER_ADDRESS sockets, unauthenticated ones counted', async () => {
    const open: WsTestClient[] = [];
    for (let i = 0; i < 4; i++) open.push(await WsTestClient.connect(app.wsUrl));
    clients.push(...open);
    assert.equal(await upgradeStatus(app.wsUrl), 429);
    // Forwarded headers are ignored without LIGHTSTICK_TRUST_PROXY: a made-up address does not get in.
    assert.equal(await upgradeStatus(app.wsUrl, { 'x-forwarded-for': '198.51.100.7' }), 429);
    open[0]!.close();
    await open[0]!.waitClose();
    const next = await WsTestClient.connect(app.wsUrl);
    clients.push(next);
    for (const c of [...open.slice(1), next]) {
      c.close();
      await c.waitClose();
    }
  });

  test("the upgrade's Origin must be the app's own by default", async () => {
    const host = new URL(app.baseUrl).host;
    assert.equal(await upgradeStatus(app.wsUrl, { origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(app.wsUrl, { origin: `http://${host}` }), 101);
  });

  test('a body trickled slower than the request timeout is cut off', async () => {
    const { port } = new URL(app.baseUrl);
    const socket: Socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    // One more byte now and then; the server gives up on the request as a whole, not on the gaps.
    const drip = setInterval(() => socket.write(' '), 300);
    await closed;
    clearInterval(drip);
    assert.match(answer, /^HTTP\/1\.1 408/);
  });

  test('security headers on every answer, no-store on the API, text/plain is bad_request', async () => {
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/healthz'],
      ['POST', '/api/auth/login'],
    ] as const) {
      const res = await http(app.baseUrl, method, path, method === 'POST' ? { body: {} } : {});
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      if (path.startsWith('/api/')) assert.equal(res.headers.get('cache-control'), 'no-store', path);
    }
    const plain = await fetch(`${app.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"username":"a","password":"b"}',
    });
    assert.equal(plain.status, 400);
    assert.equal(((await plain.json()) as { error: { code: string } }).error.code, 'bad_request');
  });
});

describe('behind a trusted proxy', () => {
  let app: InProcess;
  before(async () => {
    app = await startLightstick({
      env: { LIGHTSTICK_WS_MAX_PER_ADDRESS: '1', LIGHTSTICK_TRUST_PROXY: 'loopback' },
    });
  });
  after(async () => {
    await app.stop();
  });

  test('per-address limits see the forwarded client address', async () => {
    const a = new WebSocket(app.wsUrl, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    a.on('error', () => {});
    await new Promise((resolve) => a.once('open', resolve));
    assert.equal(await upgradeStatus(app.wsUrl, { 'x-forwarded-for': '198.51.100.1' }), 429);
    assert.equal(await upgradeStatus(app.wsUrl, { 'x-forwarded-for': '198.51.100.2' }), 101);
    a.close();
  });
});
