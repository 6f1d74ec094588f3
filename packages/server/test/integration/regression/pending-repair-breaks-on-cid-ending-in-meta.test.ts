/**
 * The archiver's work list is repaired by a SCAN of `<prefix>{r:*}:meta`. A dedup key is
 * `<prefix>{r:<room>}:cid:<user>:<cid>` and a cid is any printable string, so a cid ending in `}:meta` made a
 * dedup key (a string) match the pattern and parse as a room; HMGET on it failed with WRONGTYPE, so the repair
 * threw on every run and rooms whose pending mark had been lost were never archived.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pendingKey } from '../../../src/broker/redis-keys.ts';
import { fakeClock } from '../../support/fake-clock.ts';
import { testClients } from '../../support/redis.ts';
import { draft, roomStream, streamOpts } from '../../support/redis-stream.ts';

describe('regression: pending repair and a cid ending in }:meta', () => {
  test('repair still finds a room whose pending mark was lost', async () => {
    const { clients, prefix, cleanup } = await testClients();
    const room = `room-${randomUUID()}`;
    try {
      const stream = roomStream(clients, fakeClock());
      await stream.append(draft(room, 'odd cid', { cid: 'x}:meta' }), streamOpts);
      await stream.append(draft(room, 'plain'), streamOpts);
      // The mark is lost (a crash between the script and the SADD).
      await clients.command.del(pendingKey(prefix));

      assert.equal(await stream.repairPending(), 1);
      assert.deepEqual(await stream.pendingRooms(10), [room]);
      assert.equal((await stream.unarchived(room, 10)).length, 2);
    } finally {
      await cleanup();
    }
  });
});
