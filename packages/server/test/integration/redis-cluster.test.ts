/**
 * Redis Cluster mode against a private three-master cluster: the Broker conformance suite over sharded pub/sub,
 * and RoomStream appends on rooms spread over the shards (one script per room slot, SPUBLISH from the script),
 * the pending-set repair scanning every master, and history reads.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Cluster } from 'ioredis';
import { createRedisClients, type RedisClients } from '../../src/broker/redis-clients.ts';
import { RedisBroker } from '../../src/broker/redis.ts';
import { pendingKey } from '../../src/broker/redis-keys.ts';
import type { Broker } from '../../src/broker/broker.ts';
import type { Logger } from '../../src/observability/logger.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { brokerConformance } from '../conformance/broker.suite.ts';
import { PrivateRedisCluster } from '../support/redis-cluster.ts';
import { testPrefix } from '../support/redis.ts';
import { draft, historyOf, recordingNode, roomStream, streamOpts, until } from '../support/redis-stream.ts';

let started: Promise<PrivateRedisCluster> | undefined;
const cluster = () => (started ??= PrivateRedisCluster.start());
after(async () => {
  if (started) await (await started).stop();
});

/**
 * A deadline, not the production default (2 s): a Cluster connection learns the slots from every master first,
 * which took longer than 2 s on a machine loaded far past its two cores.
 */
async function clusterClients(): Promise<RedisClients> {
  return createRedisClients((await cluster()).url, {
    prefix: testPrefix(),
    cluster: true,
    connectTimeoutMs: 20_000,
  });
}

brokerConformance('redis cluster (sharded pub/sub)', async (runtime) => {
  const clients = await clusterClients();
  const nodes: Broker[] = [];
  return {
    async node(nodeId) {
      const b = new RedisBroker(clients, { nodeId, runtime, logger: brokerLog(nodeId) });
      nodes.push(b);
      return b;
    },
    async cleanup() {
      await Promise.all(nodes.map((n) => n.close()));
      await clients.close();
    },
  };
});

describe('RoomStream on a Redis Cluster', { timeout: 120_000 }, () => {
  test('rooms on every shard: consecutive offsets, publications in order, pending repair, reads', async () => {
    const clients = await clusterClients();
    const rooms = Array.from({ length: 12 }, (_, i) => `room-${i}-${randomUUID()}`);
    const node = await recordingNode(clients, rooms).catch(async (err: unknown) => {
      await clients.close(); // an open Cluster connection would keep the file running past its tests
      throw err;
    });
    try {
      const slots = new Set(rooms.map((r) => slotOwner(clients, r)));
      assert.ok(slots.size > 1, 'the rooms should spread over several shards');

      const stream = roomStream(clients, systemRuntime, { backlogCacheMs: 0 });
      await Promise.all(
        rooms.map((room) =>
          Promise.all(Array.from({ length: 20 }, (_, i) => stream.append(draft(room, `${i}`), streamOpts))),
        ),
      );
      await until(() => node.got.length >= rooms.length * 20, 'every publication');
      for (const room of rooms) {
        const got = node.got.filter((m) => m.room === room).map((m) => m.pos.offset);
        assert.deepEqual(
          got,
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      }

      // Lost pending marks are found again by scanning the meta keys on every master.
      await clients.command.del(pendingKey(clients.prefix));
      const archiver = roomStream(clients, systemRuntime, { backlogCacheMs: 0 });
      assert.equal(await archiver.repairPending(), rooms.length);
      assert.deepEqual((await archiver.pendingRooms(100)).sort(), [...rooms].sort());
      assert.equal(await archiver.backlog(), rooms.length * 20);

      const history = historyOf(clients, systemRuntime);
      const top = await history.top(rooms[0]!);
      const r = await history.read(rooms[0]!, { since: { epoch: top.epoch, offset: 15 }, limit: 100 });
      assert.deepEqual(r.recoverable && r.messages.map((m) => m.pos.offset), [16, 17, 18, 19, 20]);
      for (const room of rooms) {
        const waiting = await archiver.unarchived(room, 100);
        assert.equal(waiting.length, 20);
        await archiver.markArchived(room, waiting.at(-1)!.pos);
      }
      assert.equal(await archiver.backlog(), 0);
    } finally {
      await node.broker.close();
      await deleteClusterKeys(clients);
      await clients.close();
    }
  });
});

/** The node (host:port) serving a room's slot. */
function slotOwner(clients: RedisClients, room: string): string {
  const c = clients.command as Cluster;
  const slot = keySlot(`{r:${room}}`);
  return String(c.slots[slot]?.[0]);
}

async function deleteClusterKeys(clients: RedisClients): Promise<void> {
  for (const node of (clients.command as Cluster).nodes('master')) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${clients.prefix}*`, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) await node.del(k);
    } while (cursor !== '0');
  }
}

/** CRC16 (XMODEM) of the hash tag, mod 16384: Redis Cluster's key slot. */
function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  const tag = open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(tag)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** The broker's warnings on the test's output: a node that never turns ready says why. */
function brokerLog(nodeId: string): Logger {
  const say = (o: unknown, msg?: string) => {
    const err = (o as { err?: Error } | undefined)?.err;
    console.log(`# broker ${nodeId}: ${msg ?? ''} ${err?.message ?? ''}`);
  };
  return { warn: say, error: say } as unknown as Logger;
}
