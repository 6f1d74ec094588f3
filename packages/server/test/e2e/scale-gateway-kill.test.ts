/**
 * A gateway dies (SIGKILL), or drains (SIGTERM), while a sender on another gateway keeps sending. Every client
 * of that gateway, using the SDK with all gateway URLs, reconnects to another gateway, resumes from its
 * positions and then holds every acknowledged message exactly once, in order. Counts are printed ('# ' lines).
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SendResult } from '@lightstick/client';
import { eventually, startCluster, type Cluster } from '../support/cluster.ts';
import type { TestUser } from '../support/client-support.ts';
import { assertExactlyOnceInOrder, closeAll, freshRoom, userOn } from '../support/scale-support.ts';

const MESSAGES = 150;
const KILL_AT = 50;
const VICTIMS = 6;

let cluster: Cluster;
const users: TestUser[] = [];

beforeEach(async () => {
  cluster = await startCluster({ gateways: 3 });
});

afterEach(async () => {
  closeAll(users.splice(0));
  await cluster?.stop();
});

test('clients of a killed gateway resume on another and hold every acknowledged message once, in order', () =>
  loseGateway('SIGKILL'));

test('clients of a draining gateway move to another and hold every acknowledged message once, in order', () =>
  loseGateway('SIGTERM'));

async function loseGateway(signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  const how = signal === 'SIGKILL' ? 'kill' : 'drain';
  const [g0, g1, g2] = cluster.wsUrls as [string, string, string];
  const sender = await userOn(cluster.api.baseUrl, [g0]); // the owner, on a gateway that stays up
  users.push(sender);
  const room = await freshRoom(sender, 'kill');
  await sender.rt.join(room.id);

  // Victims start on g1; half move on to g2 when it dies, half to g0 (the list order decides).
  const victims: TestUser[] = [];
  for (let i = 0; i < VICTIMS; i++) {
    const urls = i % 2 === 0 ? [g1, g2, g0] : [g1, g0, g2];
    victims.push(await userOn(cluster.api.baseUrl, urls, room));
  }
  const bystander = await userOn(cluster.api.baseUrl, [g2], room);
  users.push(...victims, bystander);
  for (const v of victims) assert.equal(v.rt.url, g1);

  const acks: SendResult[] = [];
  let killed: Promise<unknown> | undefined;
  for (let i = 0; i < MESSAGES; i++) {
    if (i === KILL_AT) killed = cluster.gateways[1]!.kill(signal); // not awaited: sending goes on
    acks.push(await sender.rt.send(room.id, `k${i}`));
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 20)); // a steady stream, not one burst
  }
  const exit = (await killed) as { code: number | null; signal: string | null };
  if (signal === 'SIGKILL') assert.equal(exit.signal, 'SIGKILL');
  else assert.equal(exit.code, 0, 'the drained gateway exits 0');

  const ackedIds = acks.map((a) => a.mid);
  assert.deepEqual(
    acks.map((a) => a.pos.offset),
    Array.from({ length: MESSAGES }, (_, i) => i + 1),
  );
  const holds = (u: TestUser) => (u.received.get(room.id) ?? []).length >= MESSAGES;
  for (const [i, v] of victims.entries()) {
    await eventually(() => holds(v) && v.rt.state === 'open', `victim ${i} holds all ${MESSAGES}`, 30_000);
  }
  await eventually(() => holds(bystander), 'the bystander holds every message');

  console.log(`# gateway ${how}: ${acks.length} acknowledged, g1 got ${signal} after ${KILL_AT} sends`);
  for (const [i, v] of victims.entries()) {
    const got = v.received.get(room.id) ?? [];
    const replayed = v.events('messages').filter((e) => e.replay);
    const replayCount = replayed.reduce((n, e) => n + e.messages.length, 0);
    const reconnects = v.states.filter((s) => s === 'reconnecting').length;
    console.log(
      `# ${how} victim ${i}: now on ${v.rt.url === g2 ? 'g2' : v.rt.url === g0 ? 'g0' : v.rt.url}, ` +
        `reconnects ${reconnects}, received ${got.length} (${replayCount} by resume, ` +
        `${got.length - replayCount} live), reloads ${v.events('reload').length}`,
    );
    assert.notEqual(v.rt.url, g1, `victim ${i} is on a live gateway`);
    assert.ok(reconnects >= 1, `victim ${i} reconnected`);
    assert.equal(v.events('reload').length, 0, `victim ${i} resumed without a reload`);
    assertExactlyOnceInOrder(got, ackedIds, `victim ${i}`);
    assert.equal(got.length, MESSAGES, `victim ${i} holds exactly the acknowledged messages`);
  }
  assertExactlyOnceInOrder(bystander.received.get(room.id) ?? [], ackedIds, 'bystander');
}
