/**
 * Three gateway nodes in one process over one MemoryBus (test/support/nodes.ts): messages sent on any node
 * reach every node's members in one order; viewer counts are right across nodes and follow a node's shutdown;
 * a typed control message reaches every node, whose handler closes the matching sockets there.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatsFrame } from '@lightstick/protocol';
import { sendControl } from '../../src/gateway/control.ts';
import { useNodes } from '../support/nodes-fixture.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, received, until } from '../support/ws-fixtures.ts';

declare module '../../src/gateway/control.ts' {
  interface ControlTypes {
    'test.kick-user': { userId: string };
  }
}

describe('several gateway nodes in one process', () => {
  const fx = useNodes(3);
  const connectTo = fx.connectTo;

  test('messages sent on any node reach the members of every node, in one order', async () => {
    const owner = await fx.w.newUser();
    const { room, communityId } = await fx.w.newCommunity(owner);
    const members: WsTestClient[] = [];
    for (let node = 0; node < 3; node++) {
      const fan = await fx.w.newUser();
      await fx.w.addMember(communityId, fan);
      const c = await connectTo(node, fan);
      await join(c, room.id);
      members.push(c);
    }
    for (let i = 0; i < 30; i++) {
      const sender = members[i % 3]!;
      sender.send({ op: 'send', id: nextId(), room: room.id, cid: `m${i}`, text: `m${i}` });
    }
    await until(() => members.every((c) => received(c, room.id).length === 30), 'every message everywhere');
    const order = (c: WsTestClient) => received(c, room.id).map((m) => `${m.text}@${m.pos.offset}`);
    assert.deepEqual(order(members[1]!), order(members[0]!));
    assert.deepEqual(order(members[2]!), order(members[0]!));
    assert.deepEqual(
      received(members[0]!, room.id).map((m) => m.pos.offset),
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  });

  test("viewer counts are right across nodes and follow a node's shutdown", async () => {
    const owner = await fx.w.newUser();
    const { room, communityId } = await fx.w.newCommunity(owner);
    const perNode = [4, 3, 2];
    const byNode: WsTestClient[][] = [[], [], []];
    for (let node = 0; node < 3; node++) {
      for (let k = 0; k < perNode[node]!; k++) {
        const fan = await fx.w.newUser();
        await fx.w.addMember(communityId, fan);
        const c = await connectTo(node, fan);
        await join(c, room.id);
        byNode[node]!.push(c);
      }
    }
    const reportAll = async (nodes = fx.cluster.nodes) => {
      // Two rounds: in one round a node reporting before the others sees their previous reports.
      for (let round = 0; round < 2; round++) for (const n of nodes) await n.gateway.counters.reportNow();
    };
    await reportAll();
    const told = (c: WsTestClient, viewers: number) =>
      c.next<StatsFrame>((f) => f.t === 'stats' && f.room === room.id && f.viewers === viewers);
    await Promise.all(byNode.flat().map((c) => told(c, 9)));

    await fx.cluster.nodes[2]!.stop();
    await reportAll(fx.cluster.nodes.slice(0, 2));
    await Promise.all([...byNode[0]!, ...byNode[1]!].map((c) => told(c, 7)));
  });

  test('a typed control message reaches every node; its handler closes the matching sockets there', async () => {
    const live = fx.cluster.nodes.slice(0, 2); // node 2 was shut down above
    for (const n of live) {
      n.gateway.control.on('test.kick-user', ({ userId }) => {
        n.gateway.closeWhere((p) => p.userId === userId, {
          code: 4003,
          error: 'token_invalid',
          message: 'session revoked',
        });
      });
    }
    const victim = await fx.w.newUser();
    const bystander = await fx.w.newUser();
    const sockets = [await connectTo(0, victim), await connectTo(1, victim), await connectTo(1, bystander)];
    await sendControl(fx.cluster.nodes[0]!.broker, 'test.kick-user', { userId: victim.id });
    assert.equal((await sockets[0]!.waitClose()).code, 4003);
    assert.equal((await sockets[1]!.waitClose()).code, 4003);
    assert.equal((await sockets[2]!.request({ op: 'ping', id: nextId() })).t, 'pong');
    assert.equal(sockets[2]!.closed, undefined);
  });
});
