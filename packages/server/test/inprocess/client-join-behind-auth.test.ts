/**
 * Client SDK against a real server: a connect or a resume writes its joins right behind its `auth`, so it reaches
 * its rooms in one round trip instead of two (docs/protocol.md, "Connecting"). The server handles a connection's
 * frames in order, so the join is handled once the connection is signed in; a refused `auth` closes the
 * connection before the join behind it is handled, and the room is joined on the next connection.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RoomView, ServerFrame } from '@lightstick/protocol';
import { systemRuntime, type Runtime } from '../../src/runtime.ts';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { uniqueName } from '../support/api.ts';
import { FlakyNet, signedInUser, texts, until, type TestUser } from '../support/client-support.ts';

/** Each server frame as it arrived, with the ops the client had written by then (all its connections, in order). */
function watch(net: FlakyNet): { arrivals: { t: string; written: string[] }[] } {
  const seen = { arrivals: [] as { t: string; written: string[] }[] };
  net.inbound = (frame: ServerFrame) => {
    seen.arrivals.push({ t: frame.t, written: net.outbound.map((f) => String(f.op)) });
    return 'deliver';
  };
  return seen;
}

describe('client SDK: joins written behind auth', () => {
  let srv: InProcess;
  let skewMs = 0;
  const runtime: Runtime = { ...systemRuntime, now: () => Date.now() + skewMs };
  let owner: TestUser;
  const clients: TestUser[] = [];

  async function freshRoom(): Promise<RoomView> {
    const c = await owner.api.createCommunity({ slug: uniqueName('ba'), name: 'Behind auth' });
    const room = (await owner.api.listRooms(c.id))[0]!;
    await owner.rt.join(room.id);
    return room;
  }

  /** A fresh room, and a fan of its community whose SDK frames are watched (not yet connected). */
  async function watchedFan() {
    const room = await freshRoom();
    const net = new FlakyNet();
    const seen = watch(net);
    const u = await signedInUser(srv.baseUrl, srv.wsUrl, { net });
    clients.push(u);
    await u.api.joinCommunity(room.communityId);
    return { room, net, seen, u };
  }

  /** Resolves once `u` was given `text` in `room`. */
  const heard = (u: TestUser, room: RoomView, text: string) =>
    until(u.rt, () => texts(u.received.get(room.id)).includes(text), text);

  before(async () => {
    srv = await startLightstick({ runtime, env: { LIGHTSTICK_ACCESS_TTL_SEC: '10' } });
    owner = await signedInUser(srv.baseUrl, srv.wsUrl);
    await owner.makeCreator();
    clients.push(owner);
    owner.rt.connect();
  });

  after(async () => {
    for (const c of clients) c.rt.close();
    await srv.stop();
  });

  test('a connect writes its join right behind auth, before authed arrives, and the room flows', async () => {
    const { room, net, seen, u } = await watchedFan();
    u.rt.connect();
    // Asked before the auth is written (the token is fetched first): joined as soon as it is.
    await u.rt.join(room.id);
    const authed = seen.arrivals.find((a) => a.t === 'authed');
    assert.deepEqual(authed?.written, ['auth', 'join'], 'the join was written before authed came back');
    assert.equal(net.outbound.filter((f) => f.op === 'join').length, 1, 'one join, not another on authed');
    await owner.rt.send(room.id, 'hello behind auth');
    await heard(u, room, 'hello behind auth');
  });

  test('a resume after a cut connection writes its join with since behind auth, and loses nothing', async () => {
    const { room, net, seen, u } = await watchedFan();
    u.rt.connect();
    await u.rt.join(room.id);
    await owner.rt.send(room.id, 'before the cut');
    await heard(u, room, 'before the cut');
    const before = net.outbound.length;
    net.cut();
    await until(u.rt, () => u.rt.state === 'reconnecting', 'the drop');
    await owner.rt.send(room.id, 'during the cut');
    await heard(u, room, 'during the cut');
    const second = seen.arrivals.filter((a) => a.t === 'authed')[1];
    assert.deepEqual(second?.written.slice(before), ['auth', 'join'], 'the resume went behind the auth');
    const resume = net.outbound.slice(before).find((f) => f.op === 'join') as { since?: unknown };
    assert.ok(resume.since !== undefined, 'the join resumes from the held position');
    assert.deepEqual(texts(u.received.get(room.id)), ['before the cut', 'during the cut']);
  });

  test('a join and a leave asked while the auth is in flight go behind it, in order', async () => {
    const { room, net, seen, u } = await watchedFan();
    let asked: Promise<unknown> | undefined;
    net.onWrite = (f) => {
      // Right after the auth is written (the link marks it sent once the write returns), before authed can come.
      if (f.op === 'auth' && asked === undefined)
        queueMicrotask(() => {
          const joining = u.rt.join(room.id).catch((e: Error) => e);
          asked = Promise.all([joining, u.rt.leave(room.id)]);
        });
    };
    u.rt.connect();
    await until(u.rt, () => asked !== undefined, 'the join and the leave asked');
    const [joining] = (await asked) as [unknown];
    assert.deepEqual(
      net.outbound.map((f) => f.op),
      ['auth', 'join', 'leave'],
    );
    const authed = seen.arrivals.find((a) => a.t === 'authed');
    assert.deepEqual(authed?.written, ['auth', 'join', 'leave'], 'both were written before authed came back');
    const answers = seen.arrivals.map((a) => a.t).filter((t) => t === 'joined' || t === 'left');
    assert.deepEqual(
      answers,
      ['joined', 'left'],
      'the server joined, then left: no membership is left behind',
    );
    assert.ok(joining instanceof Error, 'the app was told the join ended with the leave');
  });

  test('an auth refused as expired (4004) handles no join behind it; the next connection joins', async () => {
    const { room, net, seen, u } = await watchedFan();
    skewMs += 11_000; // the server now sees the SDK's access token as expired
    u.rt.connect();
    await u.rt.join(room.id);
    const hellos = seen.arrivals.flatMap((a, i) => (a.t === 'hello' ? [i] : []));
    assert.ok(hellos.length >= 2, 'the client connected again');
    const first = seen.arrivals.slice(0, hellos[1]);
    assert.ok(
      first.some((a) => a.t === 'error'),
      'the first connection was refused',
    );
    assert.ok(!first.some((a) => a.t === 'joined'), 'no join was handled behind the refused auth');
    const ops = net.outbound.map((f) => f.op);
    assert.deepEqual(
      ops.slice(0, 2),
      ['auth', 'join'],
      'the first connection wrote its join behind the auth',
    );
    assert.deepEqual(ops.slice(-2), ['auth', 'join'], 'and the next one again, behind the fresh token');
    await owner.rt.send(room.id, 'after the refresh');
    await heard(u, room, 'after the refresh');
  });
});
