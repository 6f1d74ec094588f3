/**
 * The pure parts of the web app's live pages (packages/web/src/live): the order lives are listed in, when a
 * playback grant is renewed, how a renewed grant's URL replaces the old one in player requests, and the
 * language catalogues; and the client SDK passing `stats` frames on as events (the viewer count).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveView, StatsFrame } from '@lightstick/protocol';
import {
  failWait,
  FAIL_WAIT_MAX_MS,
  FAIL_WAIT_MS,
  orderLives,
  refreshDelay,
  REFRESH_MARGIN_MAX_MS,
  REFRESH_MIN_DELAY_MS,
} from '../../../web/src/live/live-labels.ts';
import { UrlSwap, folderOf, KEEP_OLD_URLS } from '../../../web/src/live/url-swap.ts';
import { catalogues, stringsFor } from '../../../web/src/live/strings.ts';
import { dispatchFrame, type Session } from '../../../client/src/dispatch.ts';

const live = (id: string, state: LiveView['state'], times: Partial<LiveView> = {}): LiveView => ({
  id,
  communityId: 'c1',
  roomId: `r-${id}`,
  title: id,
  access: 'public',
  provider: 'local',
  state,
  scheduledAt: null,
  startedAt: null,
  endedAt: null,
  version: 1,
  ...times,
});

describe('orderLives', () => {
  test('live now first (newest start first), then scheduled (soonest first, unscheduled last), then past', () => {
    const lives = [
      live('ended-old', 'ended', { endedAt: '2026-01-01T10:00:00Z' }),
      live('sched-none', 'scheduled'),
      live('sched-late', 'scheduled', { scheduledAt: '2026-03-01T10:00:00Z' }),
      live('live-old', 'live', { startedAt: '2026-02-01T09:00:00Z' }),
      live('ended-new', 'ended', { endedAt: '2026-02-01T10:00:00Z' }),
      live('sched-soon', 'scheduled', { scheduledAt: '2026-02-02T10:00:00Z' }),
      live('reconnecting', 'reconnecting', { startedAt: '2026-02-01T09:30:00Z' }),
    ];
    assert.deepEqual(
      orderLives(lives).map((l) => l.id),
      ['reconnecting', 'live-old', 'sched-soon', 'sched-late', 'sched-none', 'ended-new', 'ended-old'],
    );
  });

  test('leaves its input alone', () => {
    const lives = [live('a', 'ended'), live('b', 'live')];
    orderLives(lives);
    assert.deepEqual(
      lives.map((l) => l.id),
      ['a', 'b'],
    );
  });
});

describe('refreshDelay', () => {
  const now = Date.parse('2026-02-01T10:00:00Z');
  const at = (ms: number) => new Date(now + ms).toISOString();

  test('a long grant is renewed a minute before it expires', () => {
    assert.equal(refreshDelay(at(3_600_000), now), 3_600_000 - REFRESH_MARGIN_MAX_MS);
  });

  test('a short grant is renewed when four fifths of it passed', () => {
    assert.equal(refreshDelay(at(30_000), now), 24_000);
  });

  test('an expired, nearly expired or unreadable grant is renewed after the minimum delay, never in a loop', () => {
    assert.equal(refreshDelay(at(-5_000), now), REFRESH_MIN_DELAY_MS);
    assert.equal(refreshDelay(at(500), now), REFRESH_MIN_DELAY_MS);
    assert.equal(refreshDelay('not a date', now), REFRESH_MIN_DELAY_MS);
  });
});

describe('failWait', () => {
  test('doubles with each failure in a row up to the cap, with jitter between half and all of it', () => {
    assert.equal(failWait(1, 1), FAIL_WAIT_MS);
    assert.equal(failWait(1, 0), FAIL_WAIT_MS / 2);
    assert.equal(failWait(3, 1), FAIL_WAIT_MS * 4);
    assert.equal(failWait(50, 1), FAIL_WAIT_MAX_MS);
    assert.equal(failWait(50, 0), FAIL_WAIT_MAX_MS / 2);
  });
});

describe('UrlSwap', () => {
  const g1 = 'http://h/media/hls/ch1/TOKEN1/index.m3u8';
  const g2 = 'http://h/media/hls/ch1/TOKEN2/index.m3u8';

  test('requests for the old playlist and its segments go to the new grant', () => {
    const swap = new UrlSwap();
    swap.set(g1);
    assert.equal(swap.rewrite(g1), g1, 'nothing to rewrite before a renewal');
    swap.set(g2);
    assert.equal(swap.rewrite(g1), g2);
    assert.equal(
      swap.rewrite('http://h/media/hls/ch1/TOKEN1/seg12.ts'),
      'http://h/media/hls/ch1/TOKEN2/seg12.ts',
    );
    assert.equal(
      swap.rewrite('http://h/media/hls/ch1/TOKEN2/seg13.ts'),
      'http://h/media/hls/ch1/TOKEN2/seg13.ts',
    );
    assert.equal(swap.rewrite('http://other/x.ts'), 'http://other/x.ts');
  });

  test('a token in the query (same folder) only swaps the playlist itself', () => {
    const swap = new UrlSwap();
    swap.set('https://cdn/p/abc.m3u8?token=one');
    swap.set('https://cdn/p/abc.m3u8?token=two');
    assert.equal(swap.rewrite('https://cdn/p/abc.m3u8?token=one'), 'https://cdn/p/abc.m3u8?token=two');
    assert.equal(swap.rewrite('https://cdn/p/rendition.m3u8?x=1'), 'https://cdn/p/rendition.m3u8?x=1');
    assert.equal(folderOf('https://cdn/p/abc.m3u8?token=a/b'), 'https://cdn/p/');
  });

  test('only the last few grants are remembered', () => {
    const swap = new UrlSwap();
    const grant = (i: number) => `http://h/hls/ch/T${i}/index.m3u8`;
    for (let i = 0; i <= KEEP_OLD_URLS + 1; i++) swap.set(grant(i));
    assert.equal(swap.rewrite(grant(1)), swap.url);
    assert.equal(swap.rewrite(grant(0)), grant(0), 'forgotten');
  });
});

describe('strings', () => {
  test('each language has every word, and the browser language picks the catalogue', () => {
    const keys = Object.keys(catalogues.en).sort();
    for (const lang of ['ko', 'ja'] as const) {
      assert.deepEqual(Object.keys(catalogues[lang]).sort(), keys, lang);
      for (const state of ['scheduled', 'live', 'reconnecting', 'ended'] as const)
        assert.notEqual(catalogues[lang].state[state], catalogues.en.state[state], `${lang} ${state}`);
    }
    assert.equal(stringsFor('ko-KR').code, 'ko');
    assert.equal(stringsFor('ja').code, 'ja');
    assert.equal(stringsFor('fr-FR').code, 'en');
    assert.equal(catalogues.ko.viewers(1234), '1,234명 시청 중');
  });
});

describe('client: stats frames', () => {
  test('a stats frame is passed on as a `stats` event with the viewer count', () => {
    const seen: unknown[] = [];
    const session = { emit: (event: string, payload: unknown) => seen.push([event, payload]) };
    const frame: StatsFrame = { t: 'stats', room: 'r1', viewers: 42, hearts: 0, heartsPerSecond: 0 };
    dispatchFrame(session as unknown as Session, frame);
    assert.deepEqual(seen, [['stats', frame]]);
  });
});
