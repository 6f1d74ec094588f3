/**
 * Every `rate_limited` answer to a send used to be a strike, so ten in a row closed the connection with 4029.
 * In a busy room the room ceiling refuses many senders at once and again after their wait, so a client that
 * did what it was told (resend after `retryAfterMs`, as the SDK does) was closed: seen in the web app's e2e
 * run, where ten fans writing into one room were all cut off. Now only a send that ignored the announced
 * wait is a strike. The clock the buckets read is frozen here, so every send past the burst is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ErrorFrame, ServerFrame } from '@lightstick/protocol';
import { MAX_STRIKES } from '../../src/gateway/ws-handler.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, shiftableRuntime, world } from '../support/ws-fixtures.ts';

describe('regression: a sender that waits its turn is never closed for rate', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;
  const runtime = shiftableRuntime();

  before(async () => {
    // A burst of ten and a token every 100 ms: the eleventh send is refused with a wait of about 100 ms.
    app = await startLightstick({ runtime, env: { LIGHTSTICK_SEND_RATE_FAN: '10/1s' } });
    w = world(app);
  });
  after(async () => {
    await app.stop();
  });

  async function fanInRoom(): Promise<{ c: WsTestClient; room: string }> {
    const owner = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const c = await w.connect(fan);
    await join(c, room.id);
    return { c, room: room.id };
  }

  /** One send; its answer (ack or error). */
  function send(c: WsTestClient, room: string): Promise<ServerFrame> {
    return c.request({ op: 'send', id: nextId(), room, cid: `c${nextId()}`, text: 'hello' });
  }

  async function spendBurst(c: WsTestClient, room: string): Promise<ErrorFrame> {
    runtime.freeze();
    for (;;) {
      const answer = await send(c, room);
      if (answer.t === 'error') return answer;
    }
  }

  test(`refused ${MAX_STRIKES * 2} times, each resend after retryAfterMs: still open`, async () => {
    const { c, room } = await fanInRoom();
    let refusal = await spendBurst(c, room);
    for (let i = 0; i < MAX_STRIKES * 2; i++) {
      assert.equal(refusal.code, 'rate_limited');
      assert.ok(typeof refusal.retryAfterMs === 'number' && refusal.retryAfterMs > 0);
      await sleep(refusal.retryAfterMs + 5);
      const next = await send(c, room);
      assert.equal(next.t, 'error');
      refusal = next as ErrorFrame;
    }
    assert.equal(refusal.code, 'rate_limited');
    assert.equal((await c.request({ op: 'ping', id: nextId() })).t, 'pong');
    c.close();
  });

  test(`resending at once after each refusal is closed with 4029 within ${MAX_STRIKES + 1} refusals`, async () => {
    const { c, room } = await fanInRoom();
    await spendBurst(c, room);
    // Bounded: each resend goes out as soon as the refusal is read. A stall longer than the wait makes
    // that one resend a waiting one (neither a strike nor a reset), so a few more may be needed.
    for (let i = 0; i < MAX_STRIKES * 5 && c.closed === undefined; i++) {
      c.send({ op: 'send', id: nextId(), room, cid: `c${nextId()}`, text: 'again' });
      await Promise.race([c.next((f) => f.t === 'error'), c.waitClose()]);
    }
    assert.deepEqual(await c.waitClose(), { code: 4029, reason: 'too many bad frames' });
  });
});
