/**
 * A real PostgreSQL server is stopped during traffic (scale-out mode: one gateway and one api process, real
 * Redis, a private PostgreSQL the test crashes with `pg_ctl -m immediate`). While it is down, the gateway still
 * acknowledges from the room's Redis stream until the room's unarchived entries reach the bound, then refuses
 * with 'unavailable'; both processes report not ready. When PostgreSQL starts again the archiver catches up,
 * readiness returns, sends are accepted, and every acknowledged message is archived exactly once at the
 * position of its ack.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ChatMessage, ErrorFrame, MessagePage, RoomView } from '@lightstick/protocol';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http } from '../support/api.ts';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { REDIS_URL, dropPrefix, ownerInRoom, send, uniquePrefix, until } from '../support/archive-fixture.ts';

type Ready = { ready: boolean; checks: Record<string, boolean> };
type Answer = { cid: string; answer: AckFrame | ErrorFrame; afterStop: boolean };
const BOUND = 20;
/** Refusals, after PostgreSQL is down, that end the traffic. */
const REFUSALS = 10;
/** The gateway's clock, moved forward during the outage so its cached rooms and memberships count as old. */
let skewMs = 0;
const gatewayRuntime: Runtime = { ...systemRuntime, now: () => Date.now() + skewMs };
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scale-out archive when the PostgreSQL server stops', () => {
  const prefix = uniquePrefix();
  let pg: PostgresServer;
  let api: InProcess;
  let gateway: InProcess;
  let ws: WsTestClient;
  let room: RoomView;
  let token: string;

  const readyz = async (p: InProcess) => {
    const r = await http<Ready>(p.baseUrl, 'GET', '/readyz');
    return { status: r.status, ...r.body };
  };
  const archivedTotal = async () => (await api.services.metrics.messagesArchived.get()).values[0]?.value ?? 0;
  /** The room's whole archive, through the api process's paging API. */
  const archive = async () => {
    const all: ChatMessage[] = [];
    for (let after = 0; ;) {
      const path = `/api/rooms/${room.id}/messages?after=${after}&limit=200`;
      const page = await http<MessagePage>(api.baseUrl, 'GET', path, { token });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      all.push(...page.body.messages);
      if (page.body.nextCursor === null) return all;
      after = page.body.nextCursor;
    }
  };

  before(async () => {
    pg = await startPostgresServer();
    const env = {
      LIGHTSTICK_REDIS_URL: REDIS_URL,
      LIGHTSTICK_REDIS_PREFIX: prefix,
      LIGHTSTICK_DATABASE_URL: pg.url,
      LIGHTSTICK_ARCHIVE_MAX_BACKLOG: String(BOUND),
    };
    // The api process first: it migrates the fresh database, so the gateway never races for it.
    api = await startLightstick({ env: { ...env, LIGHTSTICK_ROLES: 'api' } });
    gateway = await startLightstick({
      runtime: gatewayRuntime,
      env: { ...env, LIGHTSTICK_ROLES: 'gateway' },
    });
    await until('the gateway ready', async () => (await readyz(gateway)).status === 200);
    const joined = await ownerInRoom(api.baseUrl, gateway.wsUrl);
    ({ ws, room } = joined);
    token = joined.owner.accessToken;
  });

  after(async () => {
    ws?.close();
    await gateway?.stop();
    await api?.stop();
    await pg?.destroy();
    await dropPrefix(prefix);
  });

  test('acks up to the bound, refusals past it, readiness false, then full recovery', async () => {
    const answers: Answer[] = [];
    let seq = 0;
    const sendOne = async (afterStop: boolean) => {
      const cid = `m-${++seq}`;
      const answer = await send(ws, room.id, cid);
      answers.push({ cid, answer, afterStop });
      return answer;
    };
    for (let i = 0; i < 5; i++) assert.equal((await sendOne(false)).t, 'ack');
    await until('the first messages archived', async () => (await archivedTotal()) === 5);
    await until('both ready', async () => (await readyz(api)).ready && (await readyz(gateway)).ready);

    // Traffic: one send at a time, paced, going on while PostgreSQL crashes; it ends after REFUSALS refusals
    // sent once the server is down (or fails the test after a bounded number of sends).
    let stopped = false;
    const traffic = (async () => {
      for (let n = 0; answers.filter((a) => a.afterStop && a.answer.t === 'error').length < REFUSALS; n++) {
        if (n > 2000) throw new Error(`no refusals after ${n} sends: ${JSON.stringify(answers.at(-1))}`);
        await sendOne(stopped);
        await pause(20);
      }
    })();
    traffic.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
    const ackCount = () => answers.filter((a) => a.answer.t === 'ack').length;
    await until('traffic flowing', async () => ackCount() >= 8);
    const ackedBeforeStop = ackCount();
    await pg.stop('immediate');
    stopped = true;
    // From now on every cached room and membership is old: the gateway must serve the last known values.
    skewMs = 60_000;
    await until('the api process not ready', async () => (await readyz(api)).status === 503);
    await traffic;

    const acks = answers.filter((a) => a.answer.t === 'ack').map((a) => a.answer as AckFrame);
    const refused = answers.filter((a) => a.answer.t === 'error').map((a) => a.answer as ErrorFrame);
    assert.ok(
      refused.every((e) => e.code === 'unavailable'),
      JSON.stringify(refused.find((e) => e.code !== 'unavailable')),
    );
    // While PostgreSQL is down nothing more is archived: the stream holds exactly the bound past the cursor.
    const archivedAtCrash = await archivedTotal();
    assert.equal(acks.length, archivedAtCrash + BOUND, `archived at the crash: ${archivedAtCrash}`);
    const ackedDuringOutage = acks.length - ackedBeforeStop;
    const firstDownRefusal = answers.findIndex((a) => a.afterStop && a.answer.t === 'error');
    assert.ok(
      answers.slice(firstDownRefusal).every((a) => a.answer.t === 'error'),
      'no ack after the bound was reached while PostgreSQL was down',
    );

    await until('the api process reports the archiver failing', async () => {
      const r = await readyz(api);
      return r.status === 503 && r.checks.archiver === false && r.checks.database === false;
    });
    await until('the gateway reports the bound', async () => {
      const r = await readyz(gateway);
      return r.status === 503 && r.checks.archive === false && r.checks.broker === true;
    });

    await pg.start();
    await until('the archiver to catch up', async () => (await archivedTotal()) === acks.length, 60_000);
    await until('the backlog to empty', async () => (await gateway.server.built.backlog()) === 0);
    await until('both ready again', async () => {
      const [a, g] = [await readyz(api), await readyz(gateway)];
      return a.status === 200 && g.status === 200;
    });
    for (let i = 0; i < 3; i++) {
      const a = await sendOne(true);
      assert.equal(a.t, 'ack', JSON.stringify(a));
      acks.push(a as AckFrame);
    }
    await until('the last sends archived', async () => (await archivedTotal()) === acks.length);

    // Every acknowledged message is in PostgreSQL exactly once, at the position of its ack; nothing refused is.
    const stored = await archive();
    assert.deepEqual(
      stored.map((m) => [m.id, m.cid, m.pos]),
      acks.map((a) => [a.mid, a.cid, a.pos]),
    );
    assert.equal(await api.services.store.messages.count(room.id), acks.length);

    console.log(`# acknowledged before the stop was called: ${ackedBeforeStop}`);
    console.log(`# archived when PostgreSQL went down: ${archivedAtCrash}`);
    console.log(`# acknowledged while stopping and during the outage: ${ackedDuringOutage}`);
    console.log(`# refused (unavailable): ${refused.length}`);
    console.log(`# acknowledged after recovery: 3`);
    console.log(`# archived after recovery: ${stored.length} (acknowledged in all: ${acks.length})`);
  });
});
