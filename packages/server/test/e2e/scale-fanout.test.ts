/**
 * Scale-out fan-out: three gateway processes and one api process over one Redis and one PostgreSQL. Senders
 * on every gateway send at once; every client, whichever gateway it is on, receives every message in the
 * same order with the same positions (the full sequences are compared).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RealtimeClient, SendResult } from '@lightstick/client';
import type { ChatMessage } from '@lightstick/protocol';
import { eventually, startCluster, type Cluster } from '../support/cluster.ts';
import type { TestUser } from '../support/client-support.ts';
import { closeAll, freshRoom, positions, sameUserClient, userOn } from '../support/scale-support.ts';

const PER_SENDER = 40;
const FANS_PER_GATEWAY = 2;

let cluster: Cluster;
const users: (TestUser | RealtimeClient)[] = [];

before(async () => {
  cluster = await startCluster({ gateways: 3 });
});

after(async () => {
  closeAll(users);
  await cluster?.stop();
});

test('clients on three gateways receive every message in one order with the same positions', async () => {
  const [g0, g1, g2] = cluster.wsUrls as [string, string, string];
  // The owner sends from one connection per gateway (owners have the staff send rate).
  const owner = await userOn(cluster.api.baseUrl, [g0]);
  users.push(owner);
  const room = await freshRoom(owner, 'fanout');
  await owner.rt.join(room.id);
  const senders: { rt: RealtimeClient; got: ChatMessage[] }[] = [{ rt: owner.rt, got: [] }];
  for (const url of [g1, g2]) {
    const rt = sameUserClient(owner.api, [url]);
    users.push(rt);
    rt.connect();
    await rt.join(room.id);
    senders.push({ rt, got: [] });
  }
  for (const s of senders.slice(1)) s.rt.on('messages', (e) => s.got.push(...e.messages));

  const fans: TestUser[] = [];
  for (const url of [g0, g1, g2]) {
    for (let i = 0; i < FANS_PER_GATEWAY; i++) fans.push(await userOn(cluster.api.baseUrl, [url], room));
  }
  users.push(...fans);

  // Every sender sends its messages all at once, so the three gateways append concurrently.
  const acks: SendResult[] = (
    await Promise.all(
      senders.map((s, si) =>
        Promise.all(Array.from({ length: PER_SENDER }, (_, i) => s.rt.send(room.id, `s${si}-${i}`))),
      ),
    )
  ).flat();
  const total = senders.length * PER_SENDER;
  assert.equal(acks.length, total);
  assert.deepEqual(
    acks.map((a) => a.pos.offset).sort((a, b) => a - b),
    Array.from({ length: total }, (_, i) => i + 1),
    'the acknowledgements hold every offset 1..total once',
  );

  const sequences: { who: string; msgs: () => ChatMessage[] }[] = [
    { who: 'owner@g0', msgs: () => owner.received.get(room.id) ?? [] },
    ...senders.slice(1).map((s, i) => ({ who: `owner@g${i + 1}`, msgs: () => s.got })),
    ...fans.map((f, i) => ({
      who: `fan${i}@g${Math.floor(i / FANS_PER_GATEWAY)}`,
      msgs: () => f.received.get(room.id) ?? [],
    })),
  ];
  for (const s of sequences) await eventually(() => s.msgs().length >= total, `${s.who} has ${total}`);
  const reference = positions(sequences[0]!.msgs());
  assert.equal(reference.length, total);
  assert.deepEqual(
    sequences[0]!.msgs().map((m) => m.pos.offset),
    Array.from({ length: total }, (_, i) => i + 1),
  );
  for (const s of sequences)
    assert.deepEqual(positions(s.msgs()), reference, `${s.who} saw another sequence`);
  // The acknowledged position of each message is the position every client saw.
  const byId = new Map(sequences[0]!.msgs().map((m) => [m.id, m.pos]));
  for (const a of acks) assert.deepEqual(byId.get(a.mid), a.pos);
  console.log(
    `# fan-out: ${total} messages from 3 gateways, ${sequences.length} clients, identical sequences`,
  );
});
