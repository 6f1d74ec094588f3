/**
 * Found in the 72 000-fan `storm` benchmark: every gateway logged "connection counts lost in Redis; writing
 * them back" while fans connected, with Redis holding one slot more than the node (stored 8173, held 8172).
 * An acquire counted its slot in `held` a few promise hops after its Redis answer, but stopped counting as in
 * flight before that; a refresh whose answer came in the same read saw Redis ahead of the node, nothing in
 * flight, and wrote the node's stale holdings back (DEL and HSET), erasing the slot just taken until the next
 * refresh noticed again. An acquire is now in flight until its slot is counted.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisConnectionCounts } from '../../../src/presence/redis-connections.ts';
import type { RedisClients } from '../../../src/broker/redis-clients.ts';
import { fakeClock } from '../../support/fake-clock.ts';
import { testClients } from '../../support/redis.ts';

let clients: RedisClients;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ clients, cleanup } = await testClients());
});
afterEach(() => cleanup());

test('a refresh answered beside concurrent acquires never writes the holdings back', async () => {
  const warnings: unknown[] = [];
  const logger = {
    warn: (...args: unknown[]) => warnings.push(args),
    debug: () => {},
  } as unknown as ConstructorParameters<typeof RedisConnectionCounts>[2]['logger'];
  const counts = new RedisConnectionCounts(clients, fakeClock(), {
    node: 'n1',
    intervalMs: 3_600_000,
    ttlMs: 5000,
    ...(logger ? { logger } : {}),
  });
  try {
    for (let round = 0; round < 50; round++) {
      // One turn of the loop: the acquires and the refresh leave in one pipeline, answered in one read.
      await Promise.all([counts.acquire(`a:u${round}`, 100), counts.refresh()]);
    }
    assert.deepEqual(warnings, []);
    // What Redis holds for the node is what the node holds.
    const stored = await clients.command.hvals(`${clients.prefix}{conns}:n:n1`);
    assert.equal(
      stored.reduce((a, v) => a + Number(v), 0),
      50,
    );
  } finally {
    await counts.close();
  }
});
