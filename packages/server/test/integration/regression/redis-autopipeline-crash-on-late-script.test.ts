/**
 * The command connection pipelines automatically (src/broker/redis-clients.ts). Tried first with scripts
 * defined on a connection when they first ran, a gateway crashed under load with "results[i] is not
 * iterable": ioredis's automatic pipeline takes the connection's commands when the pipeline is made, so a
 * script defined later in the same turn of the loop was missing from it; the pipeline's answers then came out
 * of step and ioredis threw outside any promise. Scripts are now defined on each command connection as it is
 * made, and one made after its connection waits a turn before its first call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRedisClients, RedisScript } from '../../../src/broker/redis-clients.ts';
import { REDIS_URL } from '../../support/archive-resources.ts';

const ECHO = new RedisScript('regrEchoEarly', 'return ARGV[1]');

test('scripts run in automatic pipelines beside other commands, also one made after the connection', async () => {
  const prefix = `regr-ap-${randomUUID()}:`;
  const clients = await createRedisClients(REDIS_URL, { prefix });
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const conn = clients.command;
    const key = `${prefix}n`;
    // Made after the connection: not defined on it yet.
    const late = new RedisScript(`regrEchoLate${randomUUID().slice(0, 8)}`, 'return ARGV[1]');
    // One turn of the loop: a plain command opens this turn's pipeline, then both scripts join the turn.
    const results = await Promise.all([
      conn.incr(key),
      ECHO.run(conn, [key], ['early']),
      late.run(conn, [key], ['late']),
      conn.incr(key),
      ...Array.from({ length: 50 }, (_, i) => ECHO.run(conn, [key], [String(i)])),
    ]);
    assert.deepEqual(results.slice(0, 4), [1, 'early', 'late', 2]);
    assert.deepEqual(
      results.slice(4),
      Array.from({ length: 50 }, (_, i) => String(i)),
    );
    // Defined now: the late script runs in the same turn as the rest from here on.
    assert.deepEqual(await Promise.all([conn.incr(key), late.run(conn, [key], ['again'])]), [3, 'again']);
    await conn.del(key);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(uncaught, []);
  } finally {
    process.off('uncaughtException', onUncaught);
    await clients.close();
  }
});
