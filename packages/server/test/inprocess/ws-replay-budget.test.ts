/**
 * The replay budget (LIGHTSTICK_REPLAY_BUDGET_BYTES per LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC, default 8 MiB a
 * minute per account) at its defaults never touches a normal fan: a full resume of a busy room (1000 ordinary
 * chat lines, the most hot history replays) is a small part of it, and reconnect-resumes in several rooms are
 * answered with their replay, never `reload` or `rate_limited`. The attack it stops is in
 * regression/rejoins-resend-the-same-history-without-limit.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JoinedFrame } from '@lightstick/protocol';
import { RealtimeClient } from '@lightstick/client';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, until, world } from '../support/ws-fixtures.ts';
import { FlakyNet, texts } from '../support/client-support.ts';
import { ORDINARY_EN, ORDINARY_JA, ORDINARY_KO } from '../support/chat-corpus.ts';

const BUDGET = 8 * 1024 * 1024;
const ORDINARY = [...ORDINARY_KO, ...ORDINARY_JA, ...ORDINARY_EN];

/** Sends `texts` without waiting between them and waits for every ack. */
async function fill(c: WsTestClient, room: string, lines: string[]): Promise<void> {
  const acked = () => c.frames.filter((f) => f.t === 'ack').length;
  const start = acked();
  for (const text of lines) c.send({ op: 'send', id: nextId(), room, cid: `f${nextId()}`, text });
  await until(() => acked() - start >= lines.length, 'every send acknowledged', 60_000);
}

const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${ORDINARY[i % ORDINARY.length]} ${tag}${i}`);

describe('the replay budget at its defaults', () => {
  let app: InProcess;
  let rt: RealtimeClient | undefined;
  const clients: WsTestClient[] = [];
  before(async () => {
    // The defaults the test harness lifts for load tests, as a deployment has them.
    app = await startLightstick({
      env: { LIGHTSTICK_USER_JOIN_LIMIT: '60', LIGHTSTICK_REPLAY_BUDGET_BYTES: String(BUDGET) },
    });
  });
  after(async () => {
    rt?.close();
    for (const c of clients) c.close();
    await app.stop();
  });

  test('a normal fan: a full resume and reconnect-resumes in three rooms are never held back', async (t) => {
    const w = world(app);
    const ownerUser = await w.newUser();
    const { room, communityId } = await w.newCommunity(ownerUser);
    const owner = await w.connect(ownerUser);
    await join(owner, room.id);
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    clients.push(owner);
    const rooms = [room.id];
    for (let i = 0; i < 2; i++) {
      const r = await w.addRoom(communityId, 'public');
      await join(owner, r.id);
      rooms.push(r.id);
    }
    // The busiest room holds a full hot history (LIGHTSTICK_HISTORY_SIZE, 1000) of ordinary chat, sent over ten
    // connections of the owner (one connection's frames are handled one after the other, each waiting for its
    // group commit).
    const all = lines(1000, 'h');
    await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const c = await w.connect(ownerUser);
        clients.push(c);
        await join(c, room.id);
        await fill(c, room.id, all.slice(k * 100, k * 100 + 100));
      }),
    );

    const raw = await w.connect(fan);
    clients.push(raw);
    const full = await join(raw, room.id, { epoch: room.epoch, offset: 0 });
    const fullBytes = Buffer.byteLength(JSON.stringify(full));
    t.diagnostic(
      `a full resume of 1000 ordinary lines: ${fullBytes} B (${(fullBytes / 1024).toFixed(0)} KiB)`,
    );
    assert.equal(full.missed.length, 1000);
    assert.ok(fullBytes * 16 < BUDGET, `${fullBytes} B: sixteen full resumes fit a minute's budget`);

    // The fan's app: three rooms, five reconnects, each missing twenty lines per room.
    const net = new FlakyNet();
    rt = new RealtimeClient({
      url: app.wsUrl,
      getToken: async () => fan.token,
      WebSocket: net.ctor,
      backoff: { baseMs: 20, capMs: 200 },
    });
    const errors: string[] = [];
    rt.on('error', (e) => errors.push(e.error.code));
    const reloads: string[] = [];
    rt.on('reload', (e) => reloads.push(e.room));
    const got = new Map<string, string[]>();
    rt.on('messages', (e) => got.set(e.room, [...(got.get(e.room) ?? []), ...texts(e.messages)]));
    const joinedAnswers: JoinedFrame[] = [];
    net.inbound = (f) => {
      if (f.t === 'joined') joinedAnswers.push(f);
      return 'deliver';
    };
    rt.connect();
    // The busy room from where the fan had read it, the others from now.
    await rt.join(room.id, { since: full.pos });
    for (const r of rooms.slice(1)) await rt.join(r);
    const sent = new Map<string, string[]>(rooms.map((r) => [r, []]));
    for (let round = 0; round < 5; round++) {
      net.cut();
      for (const r of rooms) {
        const batch = lines(20, `r${round}-`).map((l) => `${l} ${r.slice(0, 4)}`);
        sent.get(r)!.push(...batch);
        await fill(owner, r, batch);
      }
      await until(
        () => rooms.every((r) => (got.get(r) ?? []).length === sent.get(r)!.length),
        `round ${round}: everything missed arrived`,
        20_000,
      );
    }
    for (const r of rooms) assert.deepEqual(got.get(r), sent.get(r));
    assert.deepEqual(reloads, [], 'no resume was answered with reload');
    assert.deepEqual(errors, [], 'no join was refused');
    assert.ok(
      joinedAnswers.some((a) => a.missed.length > 0),
      'the resumes carried replays',
    );
  });
});
