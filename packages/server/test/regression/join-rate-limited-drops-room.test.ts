/**
 * A join refused with `rate_limited` (more joins than the connection or the account may make) made the SDK give
 * up on the room: a first join rejected the app's promise, and a resume after a reconnect forgot the room for
 * good (no retry, live messages ignored), although the server said when to come back (`retryAfterMs`). A
 * reconnect in more rooms than the join allowance therefore lost rooms. The SDK now writes the join again once
 * the wait has passed, rooms refused together one wait apart, without looping or earning a 4029.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckFrame, ServerFrame } from '@lightstick/protocol';
import { RealtimeClient } from '@lightstick/client';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { nextId, until, world } from '../support/ws-fixtures.ts';
import { FlakyNet, texts } from '../support/client-support.ts';

const ROOMS = 5;
/** Two joins, then one every 500 ms: five rooms at once are three too many. */
const env = { LIGHTSTICK_JOIN_LIMIT: '2', LIGHTSTICK_JOIN_WINDOW_SEC: '1' };

/** The owner's raw client joins its rooms within the same allowance, waiting when told to. */
async function patientJoin(c: WsTestClient, room: string): Promise<void> {
  for (;;) {
    const f = await c.request<ServerFrame>({ op: 'join', id: nextId(), room });
    if (f.t === 'joined') return;
    assert.ok(f.t === 'error' && f.code === 'rate_limited', JSON.stringify(f));
    await sleep(f.retryAfterMs!);
  }
}

describe('regression: a join refused with rate_limited', () => {
  let app: InProcess;
  let rt: RealtimeClient | undefined;
  let owner: WsTestClient;

  before(async () => {
    app = await startLightstick({ env });
  });
  after(async () => {
    rt?.close();
    owner?.close();
    await app.stop();
  });

  test('the SDK waits retryAfterMs and joins again: first joins and resumes keep every room', async () => {
    const w = world(app);
    const ownerUser = await w.newUser();
    const { communityId, room: first } = await w.newCommunity(ownerUser);
    const rooms = [first.id];
    for (let i = 1; i < ROOMS; i++) rooms.push((await w.addRoom(communityId, 'public')).id);
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    owner = await w.connect(ownerUser);
    for (const r of rooms) await patientJoin(owner, r);

    const net = new FlakyNet();
    rt = new RealtimeClient({
      url: app.wsUrl,
      getToken: async () => fan.token,
      WebSocket: net.ctor,
      backoff: { baseMs: 20, capMs: 100 },
    });
    const errors: { code: string; retryAfterMs: number | undefined; fatal: boolean }[] = [];
    rt.on('error', (e) =>
      errors.push({ code: e.error.code, retryAfterMs: e.error.retryAfterMs, fatal: e.fatal }),
    );
    const closes: string[] = [];
    rt.on('state', (s) => closes.push(s));
    const delivered: string[] = [];
    rt.on('messages', (e) => delivered.push(...texts(e.messages)));
    rt.connect();
    const joinFrames = () => net.outbound.filter((f) => f.op === 'join').length;

    // Five first joins at once: two pass, three are refused and written again after the wait.
    await Promise.all(rooms.map((r) => rt!.join(r)));
    const limited = errors.filter((e) => e.code === 'rate_limited');
    assert.ok(limited.length >= ROOMS - 2, JSON.stringify(errors));
    assert.ok(limited.every((e) => !e.fatal && e.retryAfterMs! > 0));
    assert.ok(joinFrames() <= ROOMS + 6, `${joinFrames()} join frames: no loop`);

    // A reconnect resumes the five rooms: the same allowance, the same waits; no room is lost.
    const before = joinFrames();
    let joined = 0;
    rt.on('joined', () => joined++);
    net.cut();
    await until(() => joined >= ROOMS, 'every room resumed', 15_000);
    assert.ok(joinFrames() - before <= ROOMS + 6, `${joinFrames() - before} join frames: no loop`);
    assert.ok(errors.every((e) => !e.fatal));
    assert.ok(net.sockets.length === 2, 'one reconnect, no 4029 close');

    for (const r of rooms) {
      const ack = await owner.request<AckFrame>({
        op: 'send',
        id: nextId(),
        room: r,
        cid: `c-${r}`,
        text: r,
      });
      assert.equal(ack.t, 'ack');
    }
    await until(() => rooms.every((r) => delivered.includes(r)), 'the fan gets every room');
  });
});
