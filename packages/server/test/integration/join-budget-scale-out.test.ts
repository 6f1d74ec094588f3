/**
 * The per-account join limit and replay budget in scale-out mode: two processes share them through the
 * RateLimiter seam in Redis, so an account's joins and replays on one gateway count on the other, and moving to
 * another gateway refills nothing. (The limits themselves are tested in embedded mode in ws-join-limits.test.ts
 * and regression/rejoins-resend-the-same-history-without-limit.test.ts.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorFrame, JoinedFrame, ServerFrame } from '@lightstick/protocol';
import { startScaleOutPair, type ScaleOutPair } from '../support/scale-out-pair.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, until, world } from '../support/ws-fixtures.ts';

const BUDGET = 64 * 1024;

describe('joins and replays per account over two processes (Redis)', () => {
  let pair: ScaleOutPair | undefined;
  const clients: WsTestClient[] = [];
  before(async () => {
    pair = await startScaleOutPair({
      env: {
        LIGHTSTICK_JOIN_LIMIT: '100',
        LIGHTSTICK_USER_JOIN_LIMIT: '6',
        LIGHTSTICK_JOIN_WINDOW_SEC: '3600',
        LIGHTSTICK_REPLAY_BUDGET_BYTES: String(BUDGET),
        LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC: '3600',
      },
    });
  });
  after(async () => {
    for (const c of clients) c.close();
    await pair?.stop();
  });

  test('joins and replay bytes taken on A count on B', async () => {
    const { a, b } = pair!;
    const w = world(a);
    const { room, owner, communityId } = await w.ownerInRoomWithFan();
    clients.push(owner);
    // About 30 KiB of history: two replays fit the budget.
    const acked = () => owner.frames.filter((f) => f.t === 'ack').length;
    for (let i = 0; i < 60; i++) {
      owner.send({
        op: 'send',
        id: nextId(),
        room: room.id,
        cid: `s${i}`,
        text: `${i} ${'가나다라마바사 '.repeat(8)}`,
      });
    }
    await until(() => acked() === 60, 'every send acknowledged', 30_000);

    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const onA = await w.connect(fan);
    const onB = await world(b).connect(fan);
    clients.push(onA, onB);
    // The stream's epoch, as the acknowledgements tell it.
    const ack = owner.frames.find((f) => f.t === 'ack');
    assert.ok(ack?.t === 'ack');
    const since = { epoch: ack.pos.epoch, offset: 0 };
    const rejoin = (c: WsTestClient) =>
      c.request<ServerFrame>({ op: 'join', id: nextId(), room: room.id, since });

    // Two replays on A spend the budget; B answers without one.
    const first = (await rejoin(onA)) as JoinedFrame;
    const second = (await rejoin(onA)) as JoinedFrame;
    assert.deepEqual([first.missed.length, second.missed.length], [60, 60]);
    const third = (await rejoin(onB)) as JoinedFrame;
    assert.deepEqual([third.t, third.missed.length, third.reload], ['joined', 0, true]);

    // Six joins in all: three so far on A and B, three more on B, then neither process lets another in.
    for (let i = 0; i < 3; i++) assert.equal((await join(onB, room.id)).t, 'joined');
    const refusedB = (await rejoin(onB)) as ErrorFrame;
    const refusedA = (await rejoin(onA)) as ErrorFrame;
    assert.deepEqual([refusedB.code, refusedA.code], ['rate_limited', 'rate_limited']);
    assert.ok(refusedA.retryAfterMs! > 0);
  });
});
