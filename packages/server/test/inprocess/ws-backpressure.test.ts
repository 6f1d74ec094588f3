/**
 * A client whose frames wait only because the server is busy is paused (its socket is not read: TCP
 * backpressure), never closed: every send is acknowledged, and reading resumes once the backlog is worked off.
 * The server used to close such a sender with 4029 after 64 waiting frames (issue 6: one artist at 10 msgs/s
 * into a 20,000-viewer room was closed after 33 acks).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AckFrame, ServerFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, received, until, world } from '../support/ws-fixtures.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { metricValue } from '../support/cluster.ts';
import type { SendCheck } from '../../src/chat/send-service.ts';

/** The send pipeline waits this long per send while `busy` is set: a server that is slow to get to frames. */
let busyMs = 0;
const busyServer: SendCheck = { name: 'busy', check: () => (busyMs > 0 ? sleep(busyMs) : undefined) };

const acks = (c: WsTestClient) => c.frames.filter((f): f is AckFrame => f.t === 'ack');

describe('gateway: a busy server pauses, never closes', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;
  const clients: WsTestClient[] = [];

  before(async () => {
    app = await startLightstick({ sendChecks: [busyServer] });
    w = world(app);
  });
  after(async () => {
    for (const c of clients) c.close();
    await app.stop();
  });

  test('a burst of sends waiting behind a busy server: paused, every send acknowledged, reading resumes', async () => {
    const { room, owner } = await w.ownerInRoomWithFan();
    clients.push(owner);
    const pausedBefore = await metricValue(app.baseUrl, 'lightstick_ws_paused_total');
    busyMs = 15;
    const n = 120;
    const first = nextId();
    for (let i = 0; i < n; i++) {
      owner.send({ op: 'send', id: first + i, room: room.id, cid: `burst-${first + i}`, text: `m${i}` });
    }
    for (let i = 1; i < n; i++) nextId();
    await until(() => acks(owner).length >= n || owner.closed !== undefined, 'every ack', 60_000);
    busyMs = 0;
    assert.equal(owner.closed, undefined, 'the sender was closed');
    assert.deepEqual(
      acks(owner).map((a) => a.id),
      Array.from({ length: n }, (_, i) => first + i),
    );
    assert.ok(
      (await metricValue(app.baseUrl, 'lightstick_ws_paused_total')) > pausedBefore,
      'the socket was paused while its frames waited',
    );
    // Reading resumed: a ping is answered.
    const pong = await owner.request({ op: 'ping', id: nextId() });
    assert.equal(pong.t, 'pong');
  });

  test('an artist at 10 msgs/s into a busy room is never closed and gets every ack; fans get every message', async () => {
    const { room, owner, fan, communityId } = await w.ownerInRoomWithFan();
    clients.push(owner);
    const fans: WsTestClient[] = [];
    for (let i = 0; i < 40; i++) {
      const u = i === 0 ? fan : await w.newUser();
      if (i > 0) await w.addMember(communityId, u);
      const c = await w.connect(u);
      await join(c, room.id);
      fans.push(c);
      clients.push(c);
    }
    // Each send waits 150 ms: at 10 msgs/s the node takes in more than it can handle, and frames queue.
    busyMs = 150;
    const n = 40;
    const first = nextId();
    for (let i = 0; i < n; i++) {
      owner.send({ op: 'send', id: first + i, room: room.id, cid: `steady-${first + i}`, text: `s${i}` });
      await sleep(100);
    }
    for (let i = 1; i < n; i++) nextId();
    await until(() => acks(owner).length >= n || owner.closed !== undefined, 'every ack', 60_000);
    busyMs = 0;
    assert.equal(owner.closed, undefined, 'the artist was closed');
    assert.equal(acks(owner).length, n);
    const texts = Array.from({ length: n }, (_, i) => `s${i}`);
    await until(
      () => fans.every((c) => received(c, room.id).filter((m) => m.text.startsWith('s')).length === n),
      'every fan has every message',
      30_000,
    );
    for (const c of fans) {
      assert.deepEqual(
        received(c, room.id).map((m) => m.text),
        texts,
      );
      assert.equal(c.closed, undefined);
    }
    const errors = owner.frames.filter((f: ServerFrame) => f.t === 'error');
    assert.deepEqual(errors, []);
  });
});
