/** Connection lifecycle with shortened limits: auth timeout, heartbeat and idle timeout, token expiry, drain. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ErrorFrame, ReconnectFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, shiftableRuntime, world } from '../support/ws-fixtures.ts';

describe('gateway: timeouts', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;
  const runtime = shiftableRuntime();

  before(async () => {
    app = await startLightstick({
      runtime,
      limits: { authTimeoutMs: 1000, heartbeatMs: 300, idleTimeoutMs: 2500 },
    });
    w = world(app);
  });
  after(() => app.stop());

  test('hello announces the limits in force', async () => {
    const c = await WsTestClient.connect(app.wsUrl);
    const hello = c.frames[0];
    assert.equal(hello?.t, 'hello');
    assert.equal(hello.t === 'hello' && hello.v, 2); // 2: `msgs` frames carry live messages (protocol's LiveMessage)
    assert.equal(hello.t === 'hello' && hello.limits.idleTimeoutMs, 2500);
    assert.equal(hello.t === 'hello' && hello.limits.heartbeatMs, 300);
    c.close();
  });

  test('no auth within authTimeoutMs -> close 4001', async () => {
    const c = await WsTestClient.connect(app.wsUrl);
    assert.equal((await c.waitClose()).code, 4001);
  });

  test('the server pings; a client that sends nothing is closed with 4008', async () => {
    const u = await w.newUser();
    const c = await w.connect(u);
    await c.next((f) => f.t === 'ping');
    assert.equal((await c.waitClose()).code, 4008);
  });

  test('a client that answers pings stays; idle is measured from its last frame', async () => {
    const u = await w.newUser();
    const c = await w.connect(u);
    c.ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { t: string }).t === 'ping') c.send({ op: 'pong' });
    });
    // Longer than idleTimeoutMs, answered pings in between.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(c.closed, undefined);
    c.close();
  });

  test('a pong spelled another way (spaces, an id) is read as any frame and keeps the connection too', async () => {
    const u = await w.newUser();
    const c = await w.connect(u);
    let id = 1;
    c.ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { t: string }).t === 'ping')
        c.send(`{ "op": "pong", "id": ${id++} }`);
    });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(c.closed, undefined);
    assert.ok(id > 2, 'pinged and answered');
    c.close();
  });

  test('a token that expires without re-auth closes the connection with 4004', async () => {
    const u = await w.newUser();
    // Issued 899 s "ago" with a 900 s lifetime: it expires within about a second of real time. The clock the
    // server checks tokens against stands still, so a busy machine cannot expire it before the auth is read.
    runtime.freeze();
    runtime.advance(-899_000);
    const token = await w.tokenFor(u);
    runtime.advance(899_000);
    const c = await WsTestClient.authed(app.wsUrl, token);
    const err = await c.next<ErrorFrame>((f) => f.t === 'error');
    assert.equal(err.code, 'token_expired');
    assert.equal((await c.waitClose()).code, 4004);
  });
});

describe('gateway: drain', () => {
  let app: InProcess;
  before(async () => {
    app = await startLightstick();
  });
  after(() => app.stop());

  test('drain sends reconnect with a jittered delay, closes 1012, and refuses new upgrades with 503', async () => {
    const w = world(app);
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const clients = await Promise.all([1, 2, 3].map(() => w.connect(owner)));
    for (const c of clients) await join(c, room.id);
    const spreadMs = 200;
    const draining = app.server.gateway!.drain({ deadlineMs: 3000, spreadMs });
    for (const c of clients) {
      const f = await c.next<ReconnectFrame>((x) => x.t === 'reconnect');
      assert.ok(f.afterMs >= 0 && f.afterMs <= spreadMs, String(f.afterMs));
      assert.equal((await c.waitClose()).code, 1012);
    }
    await draining;
    assert.equal(app.server.gateway!.connectionCount(), 0);
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(app.wsUrl);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('upgrade accepted while draining')));
      ws.on('error', () => {});
    });
    assert.equal(status, 503);
  });
});
