/**
 * The fandom and moderation part of the configuration: community creation, room-mode state, the review hook,
 * send and join limits, and translation. Every variable is in docs/configuration.md.
 */
import type {
  CreationQuotas,
  ModerationConfig,
  RateLimitsConfig,
  TranslationConfig,
  WindowLimit,
} from './config.ts';
import { ConfigError, bool, int, url, type Env } from './load.ts';

function windowLimit(
  e: Env,
  limitVar: string,
  def: number,
  windowVar: string,
  defWindowSec: number,
  opts: { maxLimit?: number; minLimit?: number; maxWindowSec?: number } = {},
): WindowLimit {
  return {
    limit: int(e, limitVar, def, opts.minLimit ?? 1, opts.maxLimit ?? 1_000_000),
    windowMs: int(e, windowVar, defWindowSec, 1, opts.maxWindowSec ?? 86_400) * 1000,
  };
}

const MIB = 1024 * 1024;

export function loadModeration(e: Env): ModerationConfig {
  const fail = e.LIGHTSTICK_REVIEW_HOOK_FAIL || 'open';
  if (fail !== 'open' && fail !== 'closed') {
    throw new ConfigError(
      `LIGHTSTICK_REVIEW_HOOK_FAIL="${fail}" is not a fail mode; it accepts open or closed`,
    );
  }
  const secret = e.LIGHTSTICK_REVIEW_HOOK_SECRET || undefined;
  if (secret !== undefined && secret.length < 16) {
    throw new ConfigError('LIGHTSTICK_REVIEW_HOOK_SECRET is too short; it accepts 16 to 256 characters');
  }
  return {
    fanCommunities: bool(e, 'LIGHTSTICK_FAN_COMMUNITIES', true),
    uniqueChatWindowMs: int(e, 'LIGHTSTICK_UNIQUE_CHAT_WINDOW_SEC', 30, 1, 3600) * 1000,
    review: {
      url: url(e, 'LIGHTSTICK_REVIEW_HOOK_URL', ['http:', 'https:']),
      secret,
      deadlineMs: int(e, 'LIGHTSTICK_REVIEW_HOOK_DEADLINE_MS', 200, 10, 5000),
      failMode: fail,
    },
  };
}

export function loadRateLimits(e: Env): RateLimitsConfig {
  return {
    joinsPerConnection: windowLimit(e, 'LIGHTSTICK_JOIN_LIMIT', 20, 'LIGHTSTICK_JOIN_WINDOW_SEC', 10),
    joinsPerUser: windowLimit(e, 'LIGHTSTICK_USER_JOIN_LIMIT', 60, 'LIGHTSTICK_JOIN_WINDOW_SEC', 10),
    joinsPerAddress: windowLimit(e, 'LIGHTSTICK_ADDRESS_JOIN_LIMIT', 300, 'LIGHTSTICK_JOIN_WINDOW_SEC', 10),
    connectsPerAddress: windowLimit(
      e,
      'LIGHTSTICK_ADDRESS_CONNECT_LIMIT',
      60,
      'LIGHTSTICK_ADDRESS_CONNECT_WINDOW_SEC',
      60,
    ),
    // A full resume (1000 messages, the most a join replays) of ordinary chat lines is about 360 KiB (measured in
    // ws-replay-budget.test.ts), of messages of the largest size (4000 bytes) about 4.2 MiB: 8 MiB a minute
    // leaves room for many full resumes of ordinary rooms, or one of the largest, at once.
    replayBytes: windowLimit(
      e,
      'LIGHTSTICK_REPLAY_BUDGET_BYTES',
      8 * MIB,
      'LIGHTSTICK_REPLAY_BUDGET_WINDOW_SEC',
      60,
      { minLimit: 64 * 1024, maxLimit: 1024 * MIB },
    ),
  };
}

export function loadQuotas(e: Env): CreationQuotas {
  return {
    communitiesPerAccount: int(e, 'LIGHTSTICK_COMMUNITIES_PER_ACCOUNT', 20, 1, 1_000_000),
    communityCreates: windowLimit(
      e,
      'LIGHTSTICK_COMMUNITY_CREATE_LIMIT',
      5,
      'LIGHTSTICK_COMMUNITY_CREATE_WINDOW_SEC',
      86_400,
      { maxWindowSec: 30 * 86_400 },
    ),
    roomsPerCommunity: int(e, 'LIGHTSTICK_ROOMS_PER_COMMUNITY', 100, 1, 1_000_000),
    roomCreates: windowLimit(
      e,
      'LIGHTSTICK_ROOM_CREATE_LIMIT',
      20,
      'LIGHTSTICK_ROOM_CREATE_WINDOW_SEC',
      3600,
      { maxWindowSec: 30 * 86_400 },
    ),
    liveCreates: windowLimit(
      e,
      'LIGHTSTICK_LIVE_CREATE_LIMIT',
      10,
      'LIGHTSTICK_LIVE_CREATE_WINDOW_SEC',
      3600,
      { maxWindowSec: 30 * 86_400 },
    ),
  };
}

export function loadTranslation(e: Env): TranslationConfig {
  return {
    deeplApiKey: e.LIGHTSTICK_DEEPL_API_KEY || undefined,
    deeplUrl: url(e, 'LIGHTSTICK_DEEPL_URL', ['http:', 'https:']),
    cacheTtlMs: int(e, 'LIGHTSTICK_TRANSLATION_CACHE_TTL_SEC', 7 * 86_400, 60, 90 * 86_400) * 1000,
    timeoutMs: int(e, 'LIGHTSTICK_TRANSLATION_TIMEOUT_MS', 5000, 100, 60_000),
  };
}
