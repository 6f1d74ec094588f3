/**
 * The settings of the join limits per account, the replay budget and the creation quotas, lives' included
 * (issue 8): their defaults, the values read, and refusals at the edges of what each accepts, naming the
 * variable.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/load.ts';

const refuses = (env: Record<string, string>, pattern: RegExp) =>
  assert.throws(
    () => loadConfig(env),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
  );

describe('join limits, replay budget and creation quotas', () => {
  test('defaults', () => {
    const c = loadConfig({});
    assert.deepEqual(c.rateLimits.joinsPerUser, { limit: 60, windowMs: 10_000 });
    assert.deepEqual(c.rateLimits.replayBytes, { limit: 8 * 1024 * 1024, windowMs: 60_000 });
    assert.deepEqual(c.quotas, {
      communitiesPerAccount: 20,
      communityCreates: { limit: 5, windowMs: 86_400_000 },
      roomsPerCommunity: 100,
      roomCreates: { limit: 20, windowMs: 3_600_000 },
      liveCreates: { limit: 10, windowMs: 3_600_000 },
    });
  });

  test('reads every variable; the join window is shared', () => {
    const c = loadConfig({
      LIGHTSTICK_USER_JOIN_LIMIT: '7',
      LIGHTSTICK_JOIN_WINDOW_SEC: '30',
      LIGHTSTICK_REPLAY_BUDGET_BYTES: '65536',
      LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC: '5',
      LIGHTSTICK_COMMUNITIES_PER_ACCOUNT: '1',
      LIGHTSTICK_COMMUNITY_CREATE_LIMIT: '2',
      LIGHTSTICK_COMMUNITY_CREATE_WINDOW_SEC: '2592000',
      LIGHTSTICK_ROOMS_PER_COMMUNITY: '3',
      LIGHTSTICK_ROOM_CREATE_LIMIT: '4',
      LIGHTSTICK_ROOM_CREATE_WINDOW_SEC: '1',
      LIGHTSTICK_LIVE_CREATE_LIMIT: '5',
      LIGHTSTICK_LIVE_CREATE_WINDOW_SEC: '600',
    });
    assert.deepEqual(c.rateLimits.joinsPerUser, { limit: 7, windowMs: 30_000 });
    assert.deepEqual(c.rateLimits.joinsPerConnection.windowMs, 30_000);
    assert.deepEqual(c.rateLimits.replayBytes, { limit: 65_536, windowMs: 5000 });
    assert.deepEqual(c.quotas, {
      communitiesPerAccount: 1,
      communityCreates: { limit: 2, windowMs: 2_592_000_000 },
      roomsPerCommunity: 3,
      roomCreates: { limit: 4, windowMs: 1000 },
      liveCreates: { limit: 5, windowMs: 600_000 },
    });
  });

  test('refuses values out of range, naming the variable', () => {
    refuses({ LIGHTSTICK_USER_JOIN_LIMIT: '0' }, /LIGHTSTICK_USER_JOIN_LIMIT=0 is out of range/);
    refuses(
      { LIGHTSTICK_REPLAY_BUDGET_BYTES: '65535' },
      /LIGHTSTICK_REPLAY_BUDGET_BYTES=65535 is out of range/,
    );
    refuses(
      { LIGHTSTICK_REPLAY_BUDGET_BYTES: '1073741825' },
      /LIGHTSTICK_REPLAY_BUDGET_BYTES=\d+ is out of range/,
    );
    refuses(
      { LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC: '0' },
      /LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC=0 is out of range/,
    );
    refuses(
      { LIGHTSTICK_COMMUNITIES_PER_ACCOUNT: '0' },
      /LIGHTSTICK_COMMUNITIES_PER_ACCOUNT=0 is out of range/,
    );
    refuses(
      { LIGHTSTICK_COMMUNITY_CREATE_WINDOW_SEC: '2592001' },
      /LIGHTSTICK_COMMUNITY_CREATE_WINDOW_SEC=2592001 is out of range/,
    );
    refuses(
      { LIGHTSTICK_ROOMS_PER_COMMUNITY: 'many' },
      /LIGHTSTICK_ROOMS_PER_COMMUNITY="many" is not a whole number/,
    );
    refuses({ LIGHTSTICK_ROOM_CREATE_LIMIT: '0' }, /LIGHTSTICK_ROOM_CREATE_LIMIT=0 is out of range/);
  });
});
