/**
 * 1,000 fans over three gateway nodes in one process tap hearts: every client ends up seeing the same total,
 * exactly the sum of the taps, and the viewer count of all three nodes; the taps cost no broker message at all
 * and the counters one PresenceStore report per node per interval (bounded by nodes, not taps). A fan tapping
 * past the rate has the extra taps dropped without an answer.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatsFrame } from '@lightstick/protocol';
import { FandomLimits } from '@lightstick/protocol';
import { startNodes, type InProcessNodes } from '../support/nodes.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, until, world } from '../support/ws-fixtures.ts';

const FANS = 1000;

describe('hearts over three gateways', () => {
  let cluster: InProcessNodes;
  const clients: WsTestClient[] = [];

  before(async () => {
    cluster = await startNodes(3);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster.stop();
  });

  const lastStats = (c: WsTestClient, room: string) =>
    c.frames.filter((f): f is StatsFrame => f.t === 'stats' && f.room === room).at(-1);
  const reportAll = async () => {
    // Two rounds: in one round a node reporting before the others sees their previous reports.
    for (let round = 0; round < 2; round++) {
      for (const n of cluster.nodes) await n.gateway.counters.reportNow();
    }
  };

  test(`${FANS} fans tapping: every client sees the exact total; broker messages do not grow with taps`, async () => {
    const w = world(cluster.app);
    const owner = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    const fans = [];
    for (let i = 0; i < FANS; i++) {
      const u = await w.newUser();
      await w.addMember(communityId, u);
      fans.push(u);
    }
    for (let i = 0; i < FANS; i += 50) {
      await Promise.all(
        fans.slice(i, i + 50).map(async (u, k) => {
          const c = await WsTestClient.authed(cluster.nodes[(i + k) % 3]!.wsUrl, u.token);
          clients.push(c);
          await join(c, room.id);
        }),
      );
    }

    // Count what crosses nodes while fans tap: broker calls and PresenceStore reports.
    let brokerCalls = 0;
    for (const n of cluster.nodes) {
      const b = n.broker as unknown as Record<string, (...a: unknown[]) => unknown>;
      for (const name of ['publish', 'publishEvent', 'control'] as const) {
        const orig = b[name]!.bind(b);
        b[name] = (...a: unknown[]) => {
          brokerCalls++;
          return orig(...a);
        };
      }
    }
    const presence = cluster.app.server.built.gatewayServices.presence;
    const origReport = presence.report.bind(presence);
    let reports = 0;
    presence.report = (...a) => {
      reports++;
      return origReport(...a);
    };

    // Every fan taps 1 to 30 times (within the burst) in one to three heart ops.
    let expected = 0;
    let ops = 0;
    const started = performance.now();
    clients.forEach((c, i) => {
      let taps = 1 + ((i * 7) % FandomLimits.heartBurst);
      expected += taps;
      while (taps > 0) {
        const count = Math.min(taps, 1 + (i % 12));
        c.send({ op: 'heart', room: room.id, count });
        taps -= count;
        ops++;
      }
    });
    // Every heart op is handled once a ping sent after it is answered (frames of a connection run in order).
    await Promise.all(clients.map((c) => c.request({ op: 'ping', id: nextId() })));
    await reportAll();
    // The bound below is reports per elapsed time: both are read here, before the waits for the clients (the
    // timers go on reporting meanwhile, and under load those waits are long: a run counted 15 reports against
    // an elapsed time taken before them).
    const elapsedMs = performance.now() - started;
    const reportsMade = reports;
    for (const c of clients) {
      await until(
        () => lastStats(c, room.id)?.hearts === expected,
        `hearts total ${expected} on every client`,
      );
    }
    const seen = lastStats(clients[0]!, room.id)!;
    assert.equal(seen.viewers, FANS);
    assert.ok(clients.every((c) => lastStats(c, room.id)!.viewers === FANS));
    assert.ok(ops > FANS);
    // No broker message per tap (nor per stats frame: each node sends its own); one report per node per round
    // (6 here) plus each node's timer, at most one per node per interval.
    assert.equal(brokerCalls, 0);
    const interval = cluster.app.services.config.countersIntervalMs;
    assert.ok(reportsMade <= 6 + 3 * (Math.ceil(elapsedMs / interval) + 1), `reports ${reportsMade}`);
    assert.ok(typeof seen.heartsPerSecond === 'number');
    assert.ok(
      clients.every((c) => c.frames.every((f) => f.t !== 'error')),
      'no heart op refused',
    );
  });

  test('taps past the rate are dropped without an answer; a heart op outside a joined room is refused', async () => {
    const w = world(cluster.app);
    const owner = await w.newUser();
    const { communityId, room } = await w.newCommunity(owner);
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const c = await WsTestClient.authed(cluster.nodes[1]!.wsUrl, fan.token);
    clients.push(c);
    await join(c, room.id);
    for (let i = 0; i < 10; i++) c.send({ op: 'heart', room: room.id, count: FandomLimits.heartsPerOp });
    await c.request({ op: 'ping', id: nextId() });
    await reportAll();
    await until(() => (lastStats(c, room.id)?.hearts ?? 0) > 0, 'hearts counted');
    const hearts = lastStats(c, room.id)!.hearts!;
    // The burst, plus what the bucket refilled while the ops were handled (a few taps at most).
    assert.ok(hearts >= FandomLimits.heartBurst && hearts < FandomLimits.heartBurst + 20, `hearts ${hearts}`);
    assert.ok(c.frames.every((f) => f.t !== 'error'));
    const refused = await c.request({ op: 'heart', id: nextId(), room: 'not-joined', count: 1 });
    assert.equal(refused.t, 'error');
    assert.equal(refused.t === 'error' ? refused.code : '', 'not_joined');
  });
});
