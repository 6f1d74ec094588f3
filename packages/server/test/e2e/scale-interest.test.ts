/**
 * Interest-based subscription across processes: a gateway subscribes to a room on its first local member and
 * unsubscribes on its last, so a room with members on one node produces no broker traffic on the others.
 * Measured from each gateway's /metrics (broker publications received) with one room per node; the
 * per-node counts are printed ('# ' lines).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RealtimeClient } from '@lightstick/client';
import type { RoomView } from '@lightstick/protocol';
import { eventually, metricValue, startCluster, type Cluster } from '../support/cluster.ts';
import type { TestUser } from '../support/client-support.ts';
import { closeAll, freshRoom, sameUserClient, userOn } from '../support/scale-support.ts';

/** Broker publications a node received (its own included), from its /metrics. */
const RECEIVED = 'lightstick_broker_received_total';
const SENDS = 12;

let cluster: Cluster;
const users: (TestUser | RealtimeClient)[] = [];

before(async () => {
  cluster = await startCluster({ gateways: 3 });
});

after(async () => {
  closeAll(users);
  await cluster?.stop();
});

const received = () =>
  Promise.all(cluster.gateways.map((g) => metricValue(g.baseUrl, RECEIVED, { kind: 'room' })));

/** Sends `n` messages from `sender` and waits until `watcher` has them all; returns each node's increase. */
async function phase(
  sender: RealtimeClient,
  watcher: TestUser,
  room: RoomView,
  n: number,
): Promise<number[]> {
  const before = await received();
  const had = watcher.received.get(room.id)?.length ?? 0;
  for (let i = 0; i < n; i++) await sender.send(room.id, `p${i}`);
  await eventually(() => (watcher.received.get(room.id)?.length ?? 0) >= had + n, 'delivery');
  // Every node's counter settles (a node receiving traffic it should not would show it here).
  await new Promise((r) => setTimeout(r, 300));
  const afterCounts = await received();
  return afterCounts.map((v, i) => v - (before[i] as number));
}

test('a room with members on one gateway produces no broker traffic on the others', async () => {
  const urls = cluster.wsUrls;
  const owner = await userOn(cluster.api.baseUrl, [urls[0] as string]);
  users.push(owner);

  // One room per gateway; its sender (the owner, for the staff send rate) and a listener connect to that
  // gateway only. The owner's first connection, on gateway 0, joins none of these rooms.
  const rooms: { room: RoomView; sender: RealtimeClient; listener: TestUser }[] = [];
  for (const [node, url] of urls.entries()) {
    const room = await freshRoom(owner, `interest${node}`);
    const sender = sameUserClient(owner.api, [url]);
    sender.connect();
    await sender.join(room.id);
    const listener = await userOn(cluster.api.baseUrl, [url], room);
    users.push(sender, listener);
    rooms.push({ room, sender, listener });
  }
  for (const [node, r] of rooms.entries()) {
    const deltas = await phase(r.sender, r.listener, r.room, SENDS);
    console.log(`# interest: room on g${node} only, ${SENDS} sends: broker received per node [${deltas}]`);
    for (const [i, d] of deltas.entries()) {
      if (i === node)
        assert.ok(d >= SENDS, `g${i} (members) received its room's ${SENDS} publications: ${d}`);
      else assert.equal(d, 0, `g${i} (no members) received traffic for g${node}'s room`);
    }
  }

  // A member arrives on gateway 1 for gateway 0's room: gateway 1 now receives it; when it leaves, it stops.
  const r0 = rooms[0]!;
  const visitor = await userOn(cluster.api.baseUrl, [urls[1] as string], r0.room);
  users.push(visitor);
  const joined = await phase(r0.sender, visitor, r0.room, SENDS);
  console.log(`# interest: + member on g1, ${SENDS} sends: [${joined}]`);
  assert.ok((joined[1] as number) >= SENDS, 'g1 subscribed on its first member');
  assert.equal(joined[2], 0);

  await visitor.rt.leave(r0.room.id);
  await eventually(async () => (await phase(r0.sender, r0.listener, r0.room, 1))[1] === 0, 'g1 unsubscribed');
  const left = await phase(r0.sender, r0.listener, r0.room, SENDS);
  console.log(`# interest: member left g1, ${SENDS} sends: [${left}]`);
  assert.equal(left[1], 0, 'g1 unsubscribed on its last member');
  assert.equal(left[2], 0);
  assert.ok((left[0] as number) >= SENDS);
});
