/**
 * Redis trouble during traffic, on a Redis the test runs itself (spare port, append-only file, fsync every
 * second, as production runs it). A restart: sends during the outage are refused with `unavailable` (not
 * lost), gateways report not-ready, and after Redis returns traffic resumes, clients recover and every
 * acknowledged message reaches the PostgreSQL archive. A `CLIENT PAUSE`: sends wait or are refused, then
 * recover; no acknowledged message is lost. The counts are printed ('# ' lines).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { ChatMessage, RoomView } from '@lightstick/protocol';
import {
  eventually,
  startCluster,
  startRedisServer,
  type Cluster,
  type RedisServer,
} from '../support/cluster.ts';
import type { TestUser } from '../support/client-support.ts';
import { archived, assertExactlyOnceInOrder, closeAll, freshRoom, userOn } from '../support/scale-support.ts';
import { RawSender } from '../support/scale-sender.ts';

let redis: RedisServer;
let cluster: Cluster;
let owner: TestUser;
let room: RoomView;
let sender: RawSender;
const receivers: TestUser[] = [];
/** Every acknowledged message: id -> offset, and the epochs seen (one: Redis kept the stream). */
const offsetOf = new Map<string, number>();
const epochs = new Set<string>();
const recordAck = (a: { mid: string; pos: { epoch: string; offset: number } }) => {
  offsetOf.set(a.mid, a.pos.offset);
  epochs.add(a.pos.epoch);
};
/** Acknowledged ids in position order (a send refused after a timeout may have been stored before later ones). */
const ackedIds = () => [...offsetOf.keys()].sort((a, b) => offsetOf.get(a)! - offsetOf.get(b)!);

const ready = async (baseUrl: string) => (await fetch(`${baseUrl}/readyz`)).status === 200;
const allReady = async () =>
  (await Promise.all(cluster.gateways.map((g) => ready(g.baseUrl)))).every(Boolean);

async function sendAcked(prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await sender.sendUntilAcked(`${prefix}${i}`, `${prefix} ${i}`);
}

/**
 * What a receiver must hold: every acknowledged message, or after a `reload` (its app reads the archive
 * for older ones) every acknowledged message past the reload position.
 */
function expectedFor(r: TestUser): { held: ChatMessage[]; expected: string[] } {
  const all = r.received.get(room.id) ?? [];
  const last = r.events('reload').at(-1);
  if (!last) return { held: all, expected: ackedIds() };
  return {
    held: all.filter((m) => m.pos.offset > last.pos.offset),
    expected: ackedIds().filter((id) => (offsetOf.get(id) ?? 0) > last.pos.offset),
  };
}

async function receiversRecovered(what: string): Promise<void> {
  for (const [i, r] of receivers.entries()) {
    await eventually(
      () => {
        const { held, expected } = expectedFor(r);
        const ids = new Set(held.map((m) => m.id));
        return expected.every((id) => ids.has(id));
      },
      `${what}: receiver ${i} holds every acknowledged message`,
      30_000,
    );
    const { held, expected } = expectedFor(r);
    assertExactlyOnceInOrder(held, expected, `${what}: receiver ${i}`);
    const reconnects = r.states.filter((s) => s === 'reconnecting').length;
    const resumed = r
      .events('messages')
      .filter((e) => e.replay)
      .reduce((n, e) => n + e.messages.length, 0);
    console.log(
      `# ${what}: receiver ${i}: holds ${held.length}, reconnects ${reconnects}, ` +
        `resumed ${resumed}, reloads ${r.events('reload').length}`,
    );
  }
}

async function archiveHoldsEveryAck(what: string): Promise<void> {
  let ids: string[] = [];
  await eventually(
    async () => {
      ids = (await archived(owner.api, room.id)).map((m) => m.id);
      return ackedIds().every((id) => ids.includes(id));
    },
    `${what}: the archive catches up`,
    30_000,
  ).catch((err: unknown) => {
    const missing = ackedIds().filter((id) => !ids.includes(id));
    console.log(`# ${what}: archive lacks ${missing.length} of ${ackedIds().length}: ${missing.join(' ')}`);
    throw err;
  });
  const acked = ackedIds();
  assert.equal(epochs.size, 1, `${what}: one epoch (Redis kept the streams)`);
  const wanted = new Set(acked);
  assert.deepEqual(
    ids.filter((id) => wanted.has(id)),
    acked,
    `${what}: archive order`,
  );
  assert.equal(new Set(ids).size, ids.length, `${what}: archive holds a message twice`);
  console.log(`# ${what}: archive holds all ${acked.length} acknowledged messages (${ids.length} rows)`);
}

describe('Redis restart and pause during traffic', () => {
  before(async () => {
    redis = await startRedisServer();
    cluster = await startCluster({ gateways: 2, redisUrl: redis.url });
    const [g0, g1] = cluster.wsUrls as [string, string];
    owner = await userOn(cluster.api.baseUrl, [g0, g1]);
    room = await freshRoom(owner, 'redis');
    await owner.rt.join(room.id);
    for (const urls of [
      [g0, g1],
      [g1, g0],
      [g0, g1],
      [g1, g0],
    ])
      receivers.push(await userOn(cluster.api.baseUrl, urls, room));
    sender = new RawSender(cluster.wsUrls, () => owner.api.getAccessToken(), room.id, recordAck);
    await sendAcked('warm', 20);
  });

  after(async () => {
    sender?.close();
    closeAll([owner, ...receivers].filter(Boolean));
    await cluster?.stop();
    await redis?.destroy();
  });

  test('a restart: sends are refused with unavailable, not lost; then traffic resumes and nothing acknowledged is lost', async () => {
    await redis.stop();
    await eventually(async () => !(await ready(cluster.gateways[0]!.baseUrl)), 'gateway reports not-ready');
    // SDK sends during the outage: answered `unavailable`, resent by the SDK under the same cid.
    let retrying = 0;
    const off = owner.rt.on('retrying', (e) => e.code === 'unavailable' && retrying++);
    const sdkSends = [0, 1, 2].map((i) => owner.rt.send(room.id, `sdk during outage ${i}`));
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await sender.tryOnce(`down${i}`, `during outage ${i}`, 10_000));
    console.log(`# restart: sends during the outage: ${outcomes.join(', ')}`);
    assert.deepEqual(
      outcomes,
      Array(5).fill('unavailable'),
      'every send during the outage is refused with unavailable',
    );

    await redis.start();
    await eventually(allReady, 'gateways ready again', 30_000);
    // The refused sends go again under their own client ids, then traffic goes on.
    for (let i = 0; i < 5; i++) await sender.sendUntilAcked(`down${i}`, `during outage ${i}`);
    for (const ack of await Promise.all(sdkSends)) recordAck(ack);
    off();
    console.log(
      `# restart: SDK: ${retrying} unavailable answers, resent under the same cid; 3 of 3 acknowledged`,
    );
    assert.ok(retrying >= 3, 'the SDK saw every send refused while Redis was down');
    await sendAcked('after', 20);
    console.log(
      `# restart: ${offsetOf.size} acknowledged in all; sender refused ${sender.refused}, reconnected ${sender.reconnects}`,
    );
    await receiversRecovered('restart');
    await archiveHoldsEveryAck('restart');
  });

  test('CLIENT PAUSE: sends wait or are refused with unavailable, then recover; nothing acknowledged is lost', async () => {
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
    } finally {
      admin.disconnect();
    }
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await sender.tryOnce(`pause${i}`, `during pause ${i}`, 10_000));
    console.log(`# pause: sends during CLIENT PAUSE 3000: ${outcomes.join(', ')}`);
    for (const o of outcomes)
      assert.ok(o === 'ack' || o === 'unavailable' || o === 'timeout', `unexpected outcome ${o}`);
    // Whatever happened, the same client ids go again: acknowledged once, never stored twice.
    for (let i = 0; i < 5; i++) await sender.sendUntilAcked(`pause${i}`, `during pause ${i}`);
    await sendAcked('resumed', 10);
    await receiversRecovered('pause');
    await archiveHoldsEveryAck('pause');
  });
});
