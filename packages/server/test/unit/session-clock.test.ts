/**
 * SessionClock: every connection deadline (auth, heartbeat, idle, token expiry) on one timer per gateway, driven
 * here by a fake clock. The wire behaviour (4001, 4008, 4004 over a real socket) is in ws-lifecycle.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../src/auth/principal.ts';
import type { PreparedFrame, WsConnection } from '../../src/gateway/connection.ts';
import { Session } from '../../src/gateway/session.ts';
import { SessionClock, type ClockOptions } from '../../src/gateway/session-clock.ts';
import { FanoutWriter, type WriteJob } from '../../src/gateway/fanout-writer.ts';
import { fakeScheduler } from '../support/fake-scheduler.ts';

const LIMITS = { authTimeoutMs: 10_000, heartbeatMs: 25_000, idleTimeoutMs: 60_000 };

function fakeSession(id = 's') {
  const written: string[] = [];
  let closedWith: number | undefined;
  let owed: PreparedFrame | undefined;
  /** As WsConnection: an owed frame goes out with the next write, or alone on payOwed. */
  const put = (f: PreparedFrame) => {
    written.push(f.text);
    if (owed !== undefined) written.push(owed.text);
    owed = undefined;
  };
  const connection = {
    get open() {
      return closedWith === undefined;
    },
    write: put,
    reply: put,
    owe: (f: PreparedFrame) => {
      owed = f;
    },
    get owing() {
      return owed !== undefined;
    },
    payOwed: () => {
      if (owed === undefined) return false;
      written.push(owed.text);
      owed = undefined;
      return true;
    },
    close: (code: number) => {
      closedWith = code;
    },
  };
  const session = new Session(id, connection as unknown as WsConnection);
  return { session, written, closedWith: () => closedWith };
}

const principal = { userId: 'u' } as Principal;

/** `random` places each connection's first ping (0: at the end of its first interval). */
/** The clock with a fan-out writer of its own (nothing else queued), or `writer` when given. */
function setup(random: () => number = Math.random, writer?: ClockOptions['writer']) {
  const clock = fakeScheduler(5_000.4);
  const sessions = new Set<Session>();
  const sc = new SessionClock(sessions, LIMITS, clock, {
    random,
    writer: writer ?? new FanoutWriter(clock, 200),
  });
  const open = (id?: string) => {
    const f = fakeSession(id);
    sessions.add(f.session);
    sc.opened(f.session);
    return f;
  };
  /** Opened and authenticated as `auth` does it: the principal, then the token's lifetime. */
  const authed = (id?: string, lifetimeMs = 3_600_000) => {
    const f = open(id);
    f.session.principal = principal;
    sc.expiresIn(f.session, lifetimeMs);
    return f;
  };
  return { clock, sessions, sc, open, authed };
}

describe('SessionClock', () => {
  test('the tick is a quarter of the shortest limit, at most a second and at least 10 ms', () => {
    const s = new Set<Session>();
    const clock = fakeScheduler();
    const writer = new FanoutWriter(clock, 200);
    assert.equal(new SessionClock(s, LIMITS, clock, { writer }).tickMs, 1000);
    const short = { authTimeoutMs: 1000, heartbeatMs: 300, idleTimeoutMs: 2500 };
    assert.equal(new SessionClock(s, short, clock, { writer }).tickMs, 75);
    const tiny = { authTimeoutMs: 20, heartbeatMs: 20, idleTimeoutMs: 20 };
    assert.equal(new SessionClock(s, tiny, clock, { writer }).tickMs, 10);
  });

  test('no auth within authTimeoutMs: closed 4001 within one tick of the deadline, not before', () => {
    const { clock, open } = setup();
    const a = open();
    clock.advance(LIMITS.authTimeoutMs - 1000);
    assert.equal(a.closedWith(), undefined);
    clock.advance(1000);
    assert.equal(a.closedWith(), 4001);
  });

  test('an authenticated session is pinged every heartbeatMs and kept while it answers', () => {
    const { clock, sc, authed } = setup();
    const a = authed();
    clock.advance(sc.rideMs + sc.tickMs); // a quiet socket's ping goes alone after waiting for a write to ride
    for (let beat = 1; beat <= 4; beat++) {
      clock.advance(LIMITS.heartbeatMs);
      assert.equal(a.written.filter((t) => t === '{"t":"ping"}').length, beat);
      sc.touched(a.session); // its pong
    }
    assert.equal(a.closedWith(), undefined);
  });

  test("a due ping rides the socket's next write within rideMs (a tenth of the heartbeat), not a write of its own", () => {
    const { clock, sc, authed } = setup(() => 0); // the first ping due at heartbeatMs
    const a = authed();
    assert.equal(sc.rideMs, 2500);
    clock.advance(LIMITS.heartbeatMs);
    assert.deepEqual(a.written, [], 'due, waiting for a write');
    clock.advance(2000);
    a.session.connection.write({ text: 'flush' } as PreparedFrame);
    assert.deepEqual(a.written, ['flush', '{"t":"ping"}'], 'in the same write, after the frame');
    clock.advance(5000);
    assert.deepEqual(a.written, ['flush', '{"t":"ping"}'], 'not written again alone');
    // The next one is due a heartbeat after the last was (not after it rode): the cadence holds.
    clock.advance(LIMITS.heartbeatMs - 7000);
    a.session.connection.write({ text: 'flush' } as PreparedFrame);
    assert.equal(a.written.filter((t) => t === '{"t":"ping"}').length, 2);
  });

  test("a quiet socket's ping goes alone once it has waited rideMs, within a tick", () => {
    const { clock, sc, authed } = setup(() => 0);
    const a = authed();
    clock.advance(LIMITS.heartbeatMs + sc.rideMs - 1);
    assert.deepEqual(a.written, []);
    clock.advance(sc.tickMs + 1);
    assert.deepEqual(a.written, ['{"t":"ping"}']);
  });

  test("the fan-out writer writes a tick's lone pings, after its passes: a ping a pass took along is not written again", () => {
    const jobs: WriteJob[] = [];
    let pumps = 0;
    const writer = { add: (j: WriteJob) => void jobs.push(j), pump: () => void pumps++ };
    const { clock, sc, authed } = setup(() => 0, writer);
    const quiet = Array.from({ length: 5 }, (_, i) => authed(`q${i}`));
    const reached = authed('reached');
    clock.advance(LIMITS.heartbeatMs + sc.rideMs + sc.tickMs); // every ping due and past its ride
    assert.equal(jobs.length, 1, "one job for the tick's lone pings");
    assert.equal(pumps, 1, 'and the writer started');
    assert.ok(
      [...quiet, reached].every((f) => f.written.length === 0),
      'the tick itself wrote none',
    );
    // A pass queued before the job reaches one of them first: the ping rides its write.
    reached.session.connection.write({ text: 'flush' } as PreparedFrame);
    assert.deepEqual(reached.written, ['flush', '{"t":"ping"}']);
    // The job in slices of two writes: the taken ping costs a fraction of one.
    const slices: number[] = [];
    for (let wrote = jobs[0]!.step(2); wrote > 0; wrote = jobs[0]!.step(2)) slices.push(wrote);
    assert.deepEqual(slices, [2, 2, 2]);
    assert.ok(quiet.every((f) => f.written.join() === '{"t":"ping"}'));
    assert.deepEqual(reached.written, ['flush', '{"t":"ping"}'], 'not written again alone');
    clock.advance(sc.tickMs);
    assert.equal(jobs.length, 1, 'nothing owed: no job');
  });

  test('a writer too busy to run the last tick’s job: the next tick queues the ping again, and it is written once', () => {
    const jobs: WriteJob[] = [];
    const writer = { add: (j: WriteJob) => void jobs.push(j), pump: () => undefined };
    const { clock, sc, authed } = setup(() => 0, writer);
    const a = authed();
    clock.advance(LIMITS.heartbeatMs + sc.rideMs + sc.tickMs);
    clock.advance(sc.tickMs); // the first job still waits behind a long pass
    assert.equal(jobs.length, 2, 'still owed at the second tick: queued again');
    for (const job of jobs) while (job.step(200) > 0);
    assert.deepEqual(a.written, ['{"t":"ping"}'], 'written by the first job, skipped by the second');
  });

  test('nothing from the client for idleTimeoutMs: closed 4008; a frame starts the idle clock again', () => {
    const { clock, sc, authed } = setup();
    const a = authed('a');
    const b = authed('b');
    clock.advance(40_000);
    sc.touched(b.session);
    clock.advance(LIMITS.idleTimeoutMs - 40_000 + 1000);
    assert.equal(a.closedWith(), 4008);
    assert.equal(b.closedWith(), undefined);
    clock.advance(40_000);
    assert.equal(b.closedWith(), 4008);
  });

  test('a token that expires: token_expired, then 4004; a re-auth moves the expiry', () => {
    const { clock, sc, authed } = setup();
    const a = authed(undefined, 5000);
    clock.advance(4000);
    sc.expiresIn(a.session, 5000); // re-auth with a fresh token
    clock.advance(4000);
    assert.equal(a.closedWith(), undefined);
    clock.advance(2000);
    assert.equal(a.closedWith(), 4004);
    assert.match(a.written.at(-1) ?? '', /"code":"token_expired"/);
  });

  test('one timer for every session, and none once the gateway has no session', () => {
    const { clock, sessions, open } = setup();
    const all = Array.from({ length: 1000 }, (_, i) => open(String(i)));
    assert.equal(clock.timers, 1);
    clock.advance(LIMITS.authTimeoutMs + 1000);
    assert.ok(all.every((f) => f.closedWith() === 4001));
    sessions.clear(); // the sockets' close events
    clock.advance(1000);
    assert.equal(clock.timers, 0);
    open('late');
    assert.equal(clock.timers, 1);
  });

  test('connections opened together are first pinged over the second half of the interval (heartbeat-bursts-after-mass-connect)', () => {
    const clock = fakeScheduler(0);
    const sessions = new Set<Session>();
    let r = 0;
    // An even spread of "random" draws, so the test reads the spread itself.
    const sc = new SessionClock(sessions, LIMITS, clock, {
      random: () => (r++ % 100) / 100,
      writer: new FanoutWriter(clock, 200),
    });
    const all = Array.from({ length: 100 }, (_, i) => {
      const f = fakeSession(String(i));
      sessions.add(f.session);
      sc.opened(f.session);
      f.session.principal = principal;
      sc.expiresIn(f.session, 3_600_000);
      return f;
    });
    const pinged = () => all.filter((f) => f.written.includes('{"t":"ping"}')).length;
    // Quiet sockets: each ping goes alone rideMs after it is due (it waited for a write to ride).
    clock.advance(LIMITS.heartbeatMs / 2 - 1000 + sc.rideMs);
    assert.equal(pinged(), 0, 'never before half an interval');
    clock.advance(LIMITS.heartbeatMs / 4);
    const firstQuarter = pinged();
    assert.ok(
      firstQuarter > 30 && firstQuarter < 70,
      `${firstQuarter} of 100 in the first quarter of the half`,
    );
    clock.advance(LIMITS.heartbeatMs / 4 + 1000 + sc.tickMs);
    assert.equal(pinged(), 100, 'every one within the interval');
    for (const f of all) sc.touched(f.session);
    // Each keeps its own phase: the second pings, one interval after the first, spread as the first did.
    const before = all.map((f) => f.written.length);
    clock.advance((LIMITS.heartbeatMs * 3) / 4); // to 1.75 intervals: half of them are due again
    const again = all.filter((f, i) => f.written.length > before[i]!).length;
    assert.ok(again > 30 && again < 70, `${again} of 100 pinged again halfway through their second pings`);
  });

  test('deadlines stay small integers (unboxed in V8) on a clock with fractions', () => {
    const { open } = setup();
    const { session } = open();
    for (const v of [session.authBy, session.seenAt, session.pingAt])
      assert.ok(Number.isInteger(v), String(v));
  });
});
