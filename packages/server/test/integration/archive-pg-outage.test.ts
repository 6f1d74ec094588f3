/**
 * PostgreSQL goes away under traffic (scale-out mode, real Redis and PostgreSQL, the database reached through a
 * TCP proxy that the test cuts). Sends are still acknowledged from the Redis stream while the room's backlog is
 * under its bound, readiness turns false, sends past the bound are refused with 'unavailable' (counted, not
 * lost); when PostgreSQL returns, the archiver catches up and every acknowledged message is archived once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, ErrorFrame, MessagePage, RoomView } from '@lightstick/protocol';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { http } from '../support/api.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import {
  PG_URL,
  REDIS_URL,
  dropPrefix,
  dropSchema,
  ownerInRoom,
  send,
  uniquePrefix,
  uniqueSchema,
  until,
} from '../support/archive-fixture.ts';

type Ready = { ready: boolean; checks: Record<string, boolean> };
const BOUND = 20;
/** The real clock, moved forward by the test: cached rooms and memberships then count as old. */
let skewMs = 0;
const runtime: Runtime = { ...systemRuntime, now: () => Date.now() + skewMs };

describe('scale-out archive when PostgreSQL is down', () => {
  const schema = uniqueSchema();
  const prefix = uniquePrefix();
  let proxy: TcpProxy;
  let app: InProcess;
  let ws: WsTestClient;
  let room: RoomView;
  let token: string;

  const archivedTotal = async () => (await app.services.metrics.messagesArchived.get()).values[0]?.value ?? 0;
  const readyz = async () => (await http<Ready>(app.baseUrl, 'GET', '/readyz')).body;

  before(async () => {
    const pgAddress = new URL(PG_URL);
    proxy = await startTcpProxy({ host: pgAddress.hostname, port: Number(pgAddress.port || 5432) });
    app = await startLightstick({
      runtime,
      env: {
        LIGHTSTICK_REDIS_URL: REDIS_URL,
        LIGHTSTICK_REDIS_PREFIX: prefix,
        LIGHTSTICK_DATABASE_URL: proxy.via(PG_URL),
        LIGHTSTICK_DATABASE_SCHEMA: schema,
        LIGHTSTICK_ARCHIVE_MAX_BACKLOG: String(BOUND),
      },
    });
    const joined = await ownerInRoom(app.baseUrl, app.wsUrl);
    ({ ws, room } = joined);
    token = joined.owner.accessToken;
  });

  after(async () => {
    ws?.close();
    proxy?.restore();
    await app?.stop();
    await proxy?.close();
    await dropSchema(schema);
    await dropPrefix(prefix);
  });

  test('acks go on under the bound, refusals past it, and the archive catches up exactly once', async () => {
    const acked: AckFrame[] = [];
    for (let i = 1; i <= 5; i++) {
      const a = await send(ws, room.id, `before-${i}`);
      assert.equal(a.t, 'ack', JSON.stringify(a));
      acked.push(a as AckFrame);
    }
    await until(
      'the first messages archived',
      async () => (await app.services.store.messages.count(room.id)) === 5,
    );
    // The stream's archived cursor moves right after the batch is stored (then the counter): the bound below
    // counts from it.
    await until('the stream caught up', async () => (await archivedTotal()) === 5);
    assert.equal((await readyz()).ready, true);

    proxy.cut();
    // Past the access cache's freshness: sends now need the last known room and membership (stale on failure).
    skewMs = 60_000;
    await until('readiness false while PostgreSQL is down', async () => (await readyz()).ready === false);

    const refused: ErrorFrame[] = [];
    for (let i = 1; i <= BOUND * 2; i++) {
      const answer = await send(ws, room.id, `during-${i}`);
      if (answer.t === 'ack') acked.push(answer);
      else refused.push(answer);
    }
    // The stream took exactly the bound, then refused: nothing dropped without an answer.
    assert.equal(acked.length, 5 + BOUND, JSON.stringify(refused.slice(0, 2)));
    assert.equal(refused.length, BOUND);
    assert.ok(
      refused.every((e) => e.code === 'unavailable'),
      JSON.stringify(refused[0]),
    );
    assert.ok(
      acked.slice(5).every((a, i) => a.cid === `during-${i + 1}`),
      'the acknowledged sends are the first ones, in order',
    );
    await until('the gateway reports the bound', async () => (await readyz()).checks.archive === false);
    const down = await readyz();
    assert.equal(down.ready, false);
    assert.equal(
      down.checks.archiver === false || down.checks.database === false,
      true,
      JSON.stringify(down),
    );

    proxy.restore();
    await until(
      'the archiver to catch up',
      async () => (await app.services.store.messages.count(room.id)) === acked.length,
      30_000,
    );
    await until('the backlog to empty', async () => (await app.server.built.backlog()) === 0);
    await until('readiness back', async () => (await readyz()).ready === true, 30_000);

    // Every acknowledged message is in PostgreSQL exactly once, with the position of its ack.
    const page = await http<MessagePage>(
      app.baseUrl,
      'GET',
      `/api/rooms/${room.id}/messages?after=0&limit=100`,
      {
        token,
      },
    );
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.messages.map((m) => [m.id, m.cid, m.pos]),
      acked.map((a) => [a.mid, a.cid, a.pos]),
    );
    assert.equal(await app.services.store.messages.count(room.id), acked.length);

    // And the room takes messages again.
    const next = await send(ws, room.id, 'after-recovery');
    assert.equal(next.t, 'ack', JSON.stringify(next));
  });
});
