/**
 * The per-account socket cap across gateways (issue 8): two processes on one Redis, LIGHTSTICK_WS_MAX_PER_ACCOUNT
 * = 2. Before the fix each gateway counted alone, so an account held two sockets on each. The count lives in
 * Redis now (presence/redis-connections.ts): the third socket of the account, wherever it lands, closes 4013;
 * after one closes, a new one is accepted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { InProcess } from '../support/harness.ts';
import { startScaleOutPair, type ScaleOutPair } from '../support/scale-out-pair.ts';
import { REDIS_URL } from '../support/archive-resources.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { registerUser } from '../support/api.ts';

describe('connection caps across gateways (Redis)', () => {
  let pair: ScaleOutPair | undefined;
  let a: InProcess;
  let b: InProcess;
  let redis: Redis;
  const clients: WsTestClient[] = [];

  before(async () => {
    pair = await startScaleOutPair({ env: { LIGHTSTICK_WS_MAX_PER_ACCOUNT: '2' } });
    ({ a, b } = pair);
    redis = new Redis(REDIS_URL);
    redis.on('error', () => {}); // a lost connection fails the command below instead of the process
  });
  after(async () => {
    for (const c of clients) c.close();
    redis?.disconnect();
    await pair?.stop();
  });

  /** The account's sockets counted in Redis over every live gateway. */
  async function sharedCount(userId: string): Promise<number> {
    const base = `${pair!.prefix}{conns}:`;
    let n = 0;
    for (const node of await redis.zrangebyscore(`${base}nodes`, Date.now(), '+inf'))
      n += Number((await redis.hget(`${base}n:${node}`, `a:${userId}`)) ?? 0);
    return n;
  }

  /** Waits until Redis counts `want` sockets for the account (the claim follows `authed` by a round trip). */
  async function counted(userId: string, want: number): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const n = await sharedCount(userId);
      if (n === want) return;
      if (Date.now() > deadline) assert.fail(`Redis counts ${n} sockets for the account, not ${want}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function authed(p: InProcess, token: string): Promise<WsTestClient> {
    const c = await WsTestClient.authed(p.wsUrl, token);
    clients.push(c);
    return c;
  }

  async function refused(c: WsTestClient): Promise<void> {
    const err = await c.next((f) => f.t === 'error', 15_000);
    assert.equal(err.t === 'error' && err.code, 'rate_limited');
    assert.equal((await c.waitClose()).code, 4013);
  }

  test('the (cap+1)th socket of one account across two gateways closes 4013; closing one makes room', async () => {
    const u = await registerUser(a.baseUrl);
    const onA = await authed(a, u.accessToken);
    await counted(u.user.id, 1);
    const onB = await authed(b, u.accessToken);
    await counted(u.user.id, 2);
    // One socket on each gateway: neither is full alone, the deployment is.
    await refused(await authed(a, u.accessToken));
    await refused(await authed(b, u.accessToken));
    await counted(u.user.id, 2);

    onA.close();
    await onA.waitClose();
    await counted(u.user.id, 1);
    const again = await authed(b, u.accessToken);
    await counted(u.user.id, 2);
    assert.equal((await again.request({ op: 'ping', id: 1 })).t, 'pong');
    assert.equal(again.closed, undefined);
    assert.equal((await onB.request({ op: 'ping', id: 2 })).t, 'pong');
    // Full again: gateway A, which holds none of them now, refuses the next one.
    await refused(await authed(a, u.accessToken));
  });
});
