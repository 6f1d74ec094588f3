/** The scale-out settings: defaults, accepted values, and a clear refusal naming the variable. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const refuses = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadConfig(env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );

describe('scale-out configuration', () => {
  test('defaults: embedded mode, prefix ls:, no cluster, 10 minute resend window, no schema', () => {
    const c = loadConfig({});
    assert.equal(c.redisUrl, undefined);
    assert.equal(c.redisPrefix, 'ls:');
    assert.equal(c.redisCluster, false);
    assert.equal(c.dedupTtlMs, 600_000);
    assert.equal(c.databaseSchema, undefined);
    assert.equal(c.archive.maxBacklog, 50_000);
  });

  test('the stats budget is a 25th of the fan-out budget unless set (at least 100)', () => {
    assert.equal(loadConfig({}).statsFramesPerSecond, 2000);
    assert.equal(loadConfig({ LIGHTSTICK_FANOUT_FRAMES_PER_SEC: '10000' }).statsFramesPerSecond, 400);
    assert.equal(loadConfig({ LIGHTSTICK_FANOUT_FRAMES_PER_SEC: '1000' }).statsFramesPerSecond, 100);
    const both = { LIGHTSTICK_FANOUT_FRAMES_PER_SEC: '10000', LIGHTSTICK_STATS_FRAMES_PER_SEC: '3000' };
    assert.equal(loadConfig(both).statsFramesPerSecond, 3000);
  });

  test("the listen backlog: 16384 unless set (Node's own default, 511, dropped reconnect waves), refused outside 1-1000000", () => {
    assert.equal(loadConfig({}).listenBacklog, 16_384);
    assert.equal(loadConfig({ LIGHTSTICK_LISTEN_BACKLOG: '4096' }).listenBacklog, 4096);
    refuses({ LIGHTSTICK_LISTEN_BACKLOG: '0' }, /LIGHTSTICK_LISTEN_BACKLOG/);
    refuses({ LIGHTSTICK_LISTEN_BACKLOG: 'many' }, /LIGHTSTICK_LISTEN_BACKLOG/);
  });

  test('the fan-out lag target: 50 ms unless set, 0 keeps the budget fixed, refused outside 0-10000', () => {
    assert.equal(loadConfig({}).fanout.lagTargetMs, 50);
    assert.equal(loadConfig({ LIGHTSTICK_FANOUT_LAG_TARGET_MS: '0' }).fanout.lagTargetMs, 0);
    assert.equal(loadConfig({ LIGHTSTICK_FANOUT_LAG_TARGET_MS: '200' }).fanout.lagTargetMs, 200);
    refuses({ LIGHTSTICK_FANOUT_LAG_TARGET_MS: '-1' }, /LIGHTSTICK_FANOUT_LAG_TARGET_MS/);
    refuses({ LIGHTSTICK_FANOUT_LAG_TARGET_MS: '10001' }, /LIGHTSTICK_FANOUT_LAG_TARGET_MS/);
  });

  test('reads every scale-out variable', () => {
    const c = loadConfig({
      LIGHTSTICK_REDIS_URL: 'redis://127.0.0.1:6379/0',
      LIGHTSTICK_REDIS_PREFIX: 'test:a1-b.c_',
      LIGHTSTICK_REDIS_CLUSTER: 'true',
      LIGHTSTICK_DEDUP_TTL_SEC: '30',
      LIGHTSTICK_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      LIGHTSTICK_DATABASE_SCHEMA: 't_schema_1',
      LIGHTSTICK_ARCHIVE_MAX_BACKLOG: '20',
    });
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6379/0');
    assert.equal(c.redisPrefix, 'test:a1-b.c_');
    assert.equal(c.redisCluster, true);
    assert.equal(c.dedupTtlMs, 30_000);
    assert.equal(c.databaseSchema, 't_schema_1');
    assert.equal(c.archive.maxBacklog, 20);
    assert.equal(loadConfig({ LIGHTSTICK_REDIS_CLUSTER: 'false' }).redisCluster, false);
    assert.equal(loadConfig({ LIGHTSTICK_REDIS_PREFIX: '' }).redisPrefix, '');
  });

  test('bad values name the variable and what it accepts', () => {
    refuses(
      { LIGHTSTICK_REDIS_URL: 'http://x' },
      /LIGHTSTICK_REDIS_URL has scheme http:; it accepts redis: or rediss:/,
    );
    refuses({ LIGHTSTICK_REDIS_CLUSTER: 'maybe' }, /LIGHTSTICK_REDIS_CLUSTER="maybe" is not a boolean/);
    refuses({ LIGHTSTICK_REDIS_PREFIX: 'a b' }, /LIGHTSTICK_REDIS_PREFIX="a b" is not a key prefix/);
    refuses({ LIGHTSTICK_REDIS_PREFIX: '{tag}' }, /LIGHTSTICK_REDIS_PREFIX="\{tag\}" is not a key prefix/);
    refuses(
      { LIGHTSTICK_DEDUP_TTL_SEC: '0' },
      /LIGHTSTICK_DEDUP_TTL_SEC=0 is out of range; it accepts 1 to 604800/,
    );
    refuses(
      { LIGHTSTICK_DATABASE_SCHEMA: 'Bad-Name' },
      /LIGHTSTICK_DATABASE_SCHEMA="Bad-Name" is not a schema name/,
    );
    refuses({ LIGHTSTICK_DATABASE_SCHEMA: 'x; drop table users' }, /is not a schema name/);
  });
});
