/**
 * Joins take turns (gateway/join-gate.ts): many connections joining at once on a gateway that handles one join
 * at a time are all answered `joined`, none refused, and a connection's send after its join waits behind it.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, world } from '../support/ws-fixtures.ts';
import { metricValue } from '../support/cluster.ts';

describe('gateway: joins take turns', () => {
  let app: InProcess;
  before(async () => {
    app = await startLightstick({ env: { LIGHTSTICK_JOIN_CONCURRENCY: '1', LIGHTSTICK_JOIN_QUEUE: '1000' } });
  });
  after(() => app.stop());

  test('30 connections joining at once with one join at a time: every one joined, in its own order', async () => {
    const w = world(app);
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const clients = await Promise.all(Array.from({ length: 30 }, () => w.connect(owner)));
    const joined = await Promise.all(clients.map((c) => join(c, room.id)));
    assert.equal(joined.length, 30);
    // A frame sent right behind a join is handled after it: the send finds the room joined.
    const again = await w.connect(owner);
    const joining = again.request({ op: 'join', id: nextId(), room: room.id });
    const ack = await again.request({ op: 'send', id: nextId(), room: room.id, cid: 'c1', text: 'first' });
    assert.equal((await joining).t, 'joined');
    assert.equal(ack.t, 'ack', JSON.stringify(ack));
    assert.equal(await metricValue(app.baseUrl, 'lightstick_joins_waiting'), 0);
    for (const x of [...clients, again]) x.close();
  });
});
