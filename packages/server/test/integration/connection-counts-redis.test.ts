/**
 * RedisConnectionCounts (issue 8) on the shared test Redis with a hand-moved clock: the cap holds over nodes,
 * a node that dies without a goodbye (kill -9: it just stops refreshing) stops counting one ttl later and its
 * keys expire by themselves, a clean close gives everything back at once, and counts Redis lost are written
 * back by the node's next refresh.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RedisConnectionCounts } from '../../src/presence/redis-connections.ts';
import type { RedisClients } from '../../src/broker/redis-clients.ts';
import { fakeClock, type FakeClock } from '../support/fake-clock.ts';
import { TEST_REDIS_URL, deleteKeys, testClients } from '../support/redis.ts';

const TTL = 5000;
/** Nodes refresh only when a test says so: a refresh timer never fires inside a test. */
const NEVER = 3_600_000;

describe('Redis connection counts', () => {
  let clients: RedisClients;
  let prefix: string;
  let cleanup: () => Promise<void>;
  let admin: Redis;
  let clock: FakeClock;
  const nodes: RedisConnectionCounts[] = [];
  const node = (name: string) => {
    const n = new RedisConnectionCounts(clients, clock, { node: name, intervalMs: NEVER, ttlMs: TTL });
    nodes.push(n);
    return n;
  };

  beforeEach(async () => {
    ({ clients, prefix, cleanup } = await testClients());
    admin = new Redis(TEST_REDIS_URL);
    admin.on('error', () => {}); // a lost connection fails the command below instead of the process
    clock = fakeClock();
  });
  afterEach(async () => {
    for (const n of nodes.splice(0)) await n.close().catch(() => {});
    admin.disconnect();
    await cleanup();
  });

  test('the cap holds over every node; a release makes room on any node', async () => {
    const x = node('x');
    const y = node('y');
    assert.equal(await x.acquire('a:u1', 3), true);
    assert.equal(await y.acquire('a:u1', 3), true);
    assert.equal(await x.acquire('a:u1', 3), true);
    assert.equal(await y.acquire('a:u1', 3), false);
    assert.equal(await x.acquire('a:u1', 3), false);
    // Other keys are their own.
    assert.equal(await y.acquire('a:u2', 3), true);
    await x.release('a:u1');
    assert.equal(await y.acquire('a:u1', 3), true);
    assert.equal(await x.acquire('a:u1', 3), false);
    // A release of a slot never taken changes nothing.
    await y.release('a:nobody');
    await y.release('a:u1');
    await y.release('a:u1');
    await y.release('a:u1'); // y held two
    assert.equal(await x.acquire('a:u1', 3), true);
    assert.equal(await x.acquire('a:u1', 3), true);
    assert.equal(await y.acquire('a:u1', 3), false);
  });

  test('a node killed without a goodbye stops counting after the ttl, and its keys expire by themselves', async () => {
    const dead = node('dead');
    const live = node('live');
    assert.equal(await dead.acquire('a:u1', 2), true);
    assert.equal(await dead.acquire('a:u1', 2), true);
    // kill -9: `dead` never refreshes nor closes again.
    const ttl = await admin.pttl(`${prefix}{conns}:n:dead`);
    assert.ok(ttl > 0 && ttl <= 2 * TTL, `the dead node's hash expires by itself (pttl ${ttl})`);
    clock.advance(TTL - 1);
    assert.equal(await live.acquire('a:u1', 2), false);
    clock.advance(2);
    assert.equal(await live.acquire('a:u1', 2), true);
    assert.equal(await live.acquire('a:u1', 2), true);
    assert.equal(await live.acquire('a:u1', 2), false);
    assert.equal(await admin.exists(`${prefix}{conns}:n:dead`), 0);
    assert.deepEqual(await admin.zrange(`${prefix}{conns}:nodes`, 0, -1), ['live']);
  });

  test('a refreshing node keeps counting past the ttl', async () => {
    const x = node('x');
    const y = node('y');
    assert.equal(await x.acquire('a:u1', 1), true);
    for (let i = 0; i < 4; i++) {
      clock.advance(TTL / 2);
      await x.refresh();
    }
    assert.equal(await y.acquire('a:u1', 1), false);
  });

  test('a clean close gives every slot back at once', async () => {
    const x = node('x');
    const y = node('y');
    assert.equal(await x.acquire('a:u1', 1), true);
    await x.close();
    assert.equal(await y.acquire('a:u1', 1), true);
  });

  test('counts Redis lost (a restart, or the node taken for dead) are written back by the next refresh', async () => {
    const x = node('x');
    const y = node('y');
    assert.equal(await x.acquire('a:u1', 2), true);
    assert.equal(await x.acquire('a:u1', 2), true);
    assert.equal(await deleteKeys(admin, prefix), 2);
    await x.refresh();
    assert.equal(await y.acquire('a:u1', 2), false);
    await x.release('a:u1');
    assert.equal(await y.acquire('a:u1', 2), true);
  });
});

describe('Redis connection counts, batched', () => {
  let clients: RedisClients;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ clients, cleanup } = await testClients());
  });
  afterEach(() => cleanup());

  /** Counts the script calls that leave on the node's command connection. */
  function countScripts(): { calls: () => number; stop: () => void } {
    const conn = clients.command as unknown as { sendCommand(cmd: { name: string }): unknown };
    const original = conn.sendCommand;
    let calls = 0;
    conn.sendCommand = function (this: unknown, cmd: { name: string }) {
      if (cmd.name === 'evalsha' || cmd.name === 'eval') calls++;
      return original.call(this, cmd);
    };
    return { calls: () => calls, stop: () => void (conn.sendCommand = original) };
  }

  test('acquires and releases asked together leave as one script call each, judged in the order asked', async () => {
    const n = new RedisConnectionCounts(clients, fakeClock(), { node: 'n', intervalMs: NEVER, ttlMs: TTL });
    try {
      // The scripts are defined on the connection by a first call, outside the count.
      assert.equal(await n.acquire('a:warm', 1), true);
      const scripts = countScripts();
      try {
        const asked = Array.from({ length: 300 }, (_, i) => n.acquire(`a:u${i % 100}`, 2));
        const taken = await Promise.all(asked);
        assert.equal(scripts.calls(), 1, 'one script call for 300 acquires');
        // Each of the 100 accounts asked three times with a cap of two: the first two are taken, the third not.
        assert.deepEqual(
          taken.map((t, i) => [i < 200, t]).filter(([first, t]) => first !== t),
          [],
        );
        await Promise.all(Array.from({ length: 100 }, (_, i) => n.release(`a:u${i}`)));
        assert.equal(scripts.calls(), 2, 'one script call for 100 releases');
        const again = await Promise.all(Array.from({ length: 100 }, (_, i) => n.acquire(`a:u${i}`, 2)));
        assert.ok(
          again.every((t) => t),
          'each released slot is free again',
        );
        assert.equal(scripts.calls(), 3);
      } finally {
        scripts.stop();
      }
    } finally {
      await n.close();
    }
  });

  test('a close refuses what is still gathering and gives every slot back', async () => {
    const n = new RedisConnectionCounts(clients, fakeClock(), {
      node: 'n',
      intervalMs: NEVER,
      ttlMs: TTL,
      batchMs: 60_000,
    });
    const other = new RedisConnectionCounts(clients, fakeClock(), {
      node: 'o',
      intervalMs: NEVER,
      ttlMs: TTL,
    });
    try {
      const held = n.acquire('a:u1', 2);
      n.flush();
      assert.equal(await held, true);
      const refused = assert.rejects(n.acquire('a:u1', 2), { code: 'unavailable' });
      await n.close();
      await refused;
      assert.equal(await other.acquire('a:u1', 1), true);
    } finally {
      await other.close();
    }
  });
});
