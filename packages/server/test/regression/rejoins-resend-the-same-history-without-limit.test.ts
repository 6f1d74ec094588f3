/**
 * Re-join replay had no budget: a connection that sent the same `join` with a `since` far back again and again
 * was sent the same history every time (300 re-join frames made the server send 210 MiB). Now each account may
 * be sent LIGHTSTICK_REPLAY_BUDGET_BYTES of replay per window over all its connections; past it a join is
 * answered `reload: true` without the replay. Here the join limits are lifted so that only the budget stands
 * between the attacker and the bandwidth, and the server's clock is frozen so the budget does not refill.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JoinedFrame, ServerFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, shiftableRuntime, until, world } from '../support/ws-fixtures.ts';

const BUDGET = 64 * 1024;
const MESSAGES = 60;
const REJOINS = 300;

/** Sends `texts` without waiting between them and waits for every ack. */
async function fill(c: WsTestClient, room: string, texts: string[]): Promise<void> {
  const acked = () => c.frames.filter((f) => f.t === 'ack').length;
  const start = acked();
  for (const text of texts) c.send({ op: 'send', id: nextId(), room, cid: `f${nextId()}`, text });
  await until(() => acked() - start >= texts.length, 'every send acknowledged', 30_000);
}

describe('regression: re-joins resend the same history without limit', () => {
  const runtime = shiftableRuntime();
  let app: InProcess;
  before(async () => {
    app = await startLightstick({
      runtime,
      env: {
        LIGHTSTICK_JOIN_LIMIT: '100000',
        LIGHTSTICK_USER_JOIN_LIMIT: '100000',
        LIGHTSTICK_REPLAY_BUDGET_BYTES: String(BUDGET),
        LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC: '60',
      },
    });
  });
  after(() => app.stop());

  test(`${REJOINS} re-joins from far back are sent at most the budget of replay`, async (t) => {
    runtime.freeze();
    const w = world(app);
    const { room, owner, fan, communityId } = await w.ownerInRoomWithFan();
    // About 30 KiB of history: two replays fit the budget.
    await fill(
      owner,
      room.id,
      Array.from({ length: MESSAGES }, (_, i) => `${i} ${'가나다라마바사 '.repeat(8)}`),
    );
    const attacker = await w.connect(fan);
    const first = await join(attacker, room.id);
    const since = { epoch: first.pos.epoch, offset: 0 };
    let bytes = 0;
    attacker.ws.on('message', (data: Buffer) => (bytes += data.length));

    const answers: JoinedFrame[] = [];
    for (let i = 0; i < REJOINS; i++) {
      const f = await attacker.request<ServerFrame>({ op: 'join', id: nextId(), room: room.id, since });
      assert.equal(f.t, 'joined', JSON.stringify(f).slice(0, 300));
      answers.push(f as JoinedFrame);
    }
    // The budget counts each answer with its replay as sent: the same JSON the client parsed.
    const replays = answers.filter((a) => a.missed.length > 0);
    const charged = replays.map((a) => Buffer.byteLength(JSON.stringify(a)));
    const spent = charged.reduce((a, b) => a + b, 0);
    t.diagnostic(`one replay ${charged[0]} B; ${replays.length} of ${REJOINS} sent; ${bytes} B in all`);
    assert.equal(replays.length, 2, 'the replays that fit');
    assert.ok(replays.every((a) => a.missed.length === MESSAGES && !a.reload));
    assert.ok(spent <= BUDGET && spent + charged[0]! > BUDGET, `${spent} B of replay`);
    // The others joined all the same, told to reload from the archive, at their current position.
    const reloads = answers.filter((a) => a.missed.length === 0);
    assert.equal(reloads.length, REJOINS - replays.length);
    assert.ok(reloads.every((a) => a.reload && a.pos.offset === MESSAGES));
    // What went over the wire: the budget, the small answers and the frames around them (was ~9 MiB).
    assert.ok(bytes < BUDGET + REJOINS * 400, `${bytes} B sent`);

    // The budget is the account's: another connection of the same person gets no replay either.
    const second = await w.connect(fan);
    const other = await join(second, room.id, since);
    assert.deepEqual([other.missed.length, other.reload], [0, true]);
    // Another person has their own.
    const neighbour = await w.newUser();
    await w.addMember(communityId, neighbour);
    const theirs = await join(await w.connect(neighbour), room.id, since);
    assert.equal(theirs.missed.length, MESSAGES);

    // A window later the budget is back.
    runtime.advance(60_000);
    const again = await join(attacker, room.id, since);
    assert.deepEqual([again.missed.length, again.reload], [MESSAGES, false]);
    for (const c of [owner, attacker, second]) c.close();
  });
});
