/**
 * Joins and connects per client address (issue 11), at their boundaries, on a frozen clock: the connect window's
 * last upgrade opens and the next answers 429 with Retry-After; the address's last join is answered and the next,
 * from another account's connection on the same address, is refused `rate_limited` with the wait. A slot comes
 * back once the clock moves by the wait. (Both settings were read and documented before, and enforced nowhere.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { ErrorFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, shiftableRuntime, world } from '../support/ws-fixtures.ts';

/** A WebSocket upgrade: 101 when it opened (closed again at once), else the refusal's status, Retry-After and code. */
function upgrade(url: string): Promise<{ status: number; retryAfter?: string; code?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        const code = (JSON.parse(body) as { error: { code: string } }).error.code;
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, code, ...(retryAfter ? { retryAfter } : {}) });
        ws.terminate();
      });
    });
    ws.on('open', () => {
      resolve({ status: 101 });
      ws.close();
    });
    ws.on('error', (err) => reject(err));
  });
}

describe('connects per client address', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  before(async () => {
    app = await startLightstick({
      runtime,
      env: { LIGHTSTICK_ADDRESS_CONNECT_LIMIT: '3', LIGHTSTICK_ADDRESS_CONNECT_WINDOW_SEC: '60' },
    });
    runtime.freeze();
  });
  after(() => app.stop());

  test('the 3rd upgrade in the window opens, the 4th answers 429 rate_limited with Retry-After', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await upgrade(app.wsUrl)).status, 101);
    const refused = await upgrade(app.wsUrl);
    assert.equal(refused.status, 429);
    assert.equal(refused.code, 'rate_limited');
    assert.equal(refused.retryAfter, '20', 'one connect comes back every 60 s / 3');
    runtime.advance(20_000);
    assert.equal((await upgrade(app.wsUrl)).status, 101);
    assert.equal((await upgrade(app.wsUrl)).status, 429);
  });
});

describe('joins per client address', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  const clients: WsTestClient[] = [];
  before(async () => {
    app = await startLightstick({
      runtime,
      env: { LIGHTSTICK_ADDRESS_JOIN_LIMIT: '4', LIGHTSTICK_JOIN_WINDOW_SEC: '10' },
    });
    runtime.freeze();
  });
  after(async () => {
    for (const c of clients) c.close();
    await app.stop();
  });

  test('the 4th join from one address is answered, the 5th (another account) is refused with the wait', async () => {
    const w = world(app);
    const owner = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const a = await w.connect(owner);
    const b = await w.connect(fan);
    clients.push(a, b);
    const leave = async (c: WsTestClient) =>
      assert.equal((await c.request({ op: 'leave', id: nextId(), room: room.id })).t, 'left');
    await join(a, room.id);
    await join(b, room.id);
    await leave(a);
    await join(a, room.id);
    await leave(b);
    await join(b, room.id); // the 4th join from 127.0.0.1
    await leave(a);
    const refused = (await a.request({ op: 'join', id: nextId(), room: room.id })) as ErrorFrame;
    assert.equal(refused.code, 'rate_limited');
    assert.match(refused.message, /address/);
    assert.equal(refused.retryAfterMs, 2500, 'one join comes back every 10 s / 4');
    runtime.advance(refused.retryAfterMs);
    await join(a, room.id);
  });
});
