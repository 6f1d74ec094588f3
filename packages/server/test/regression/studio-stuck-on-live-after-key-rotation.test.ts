/**
 * The creator page said "Live" for good after its key was rotated while the watch page said "Reconnecting…"
 * (CI, stop 38: the studio never reached `reconnecting` in 60 s). Rotating kicks the publisher; the live goes
 * `reconnecting` and its frame reached the page before the rotate answer, which had read the live before the
 * kick and was applied last, putting `live` back. No later frame came to correct it. Views now carry the
 * live's `version`, and the page keeps the newer: here the pure merge, and the server putting the stored
 * version in answers and frames.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveView } from '@lightstick/protocol';
import { mergeLive, mergeLiveList, upsertLive } from '../../../web/src/live/live-merge.ts';
import { toLiveView } from '../../src/lives/live-views.ts';
import type { LiveRecord } from '../../src/storage/lives-repositories.ts';

const view = (version: number, state: LiveView['state'], streamKey?: string): LiveView => ({
  id: 'l1',
  communityId: 'c1',
  roomId: 'r1',
  title: 'Comeback',
  access: 'public',
  provider: 'local',
  state,
  scheduledAt: null,
  startedAt: '2026-12-06T09:00:00.000Z',
  endedAt: state === 'ended' ? '2026-12-06T10:00:00.000Z' : null,
  version,
  ...(streamKey === undefined ? {} : { ingest: { url: 'rtmp://127.0.0.1:1935/live', streamKey } }),
});

describe('regression: the studio stayed on "Live" after a key rotation', () => {
  test('the rotate answer, older than the reconnecting frame that came first, keeps the state and shows the new key', () => {
    const shown = view(2, 'live', 'old-key');
    const framed = mergeLive(shown, view(3, 'reconnecting'));
    assert.equal(framed.state, 'reconnecting');
    assert.equal(framed.ingest?.streamKey, 'old-key', 'a frame never carries the key: the shown one stays');
    const answered = mergeLive(framed, view(2, 'live', 'new-key'));
    assert.equal(answered.state, 'reconnecting', 'the older answer does not put "live" back');
    assert.equal(answered.version, 3);
    assert.equal(answered.ingest?.streamKey, 'new-key', 'the answer’s key is the one to show');
  });

  test('in arrival order the newer view wins; equal versions take the one that came last', () => {
    assert.equal(mergeLive(view(3, 'reconnecting'), view(4, 'live')).state, 'live');
    assert.equal(mergeLive(view(4, 'live'), view(3, 'reconnecting')).state, 'live');
    assert.equal(mergeLive(view(2, 'live'), view(2, 'live', 'k')).ingest?.streamKey, 'k');
    assert.equal(mergeLive(null, view(1, 'scheduled')).state, 'scheduled');
  });

  test('an ended live shows no key, whichever view carried one', () => {
    const ended = mergeLive(view(5, 'live', 'k'), view(6, 'ended'));
    assert.equal(ended.state, 'ended');
    assert.equal('ingest' in ended, false);
    const late = mergeLive(ended, view(5, 'live', 'k2'));
    assert.equal(late.state, 'ended');
    assert.equal('ingest' in late, false);
  });

  test('a listing read before a frame keeps the framed state; a frame adds or replaces by id', () => {
    const other = { ...view(1, 'scheduled'), id: 'l2' };
    const shown = upsertLive([view(2, 'live'), other], view(3, 'reconnecting'));
    assert.deepEqual(
      shown.map((l) => [l.id, l.state]),
      [
        ['l2', 'scheduled'],
        ['l1', 'reconnecting'],
      ],
    );
    const listed = mergeLiveList(shown, [view(2, 'live'), { ...other, version: 2, state: 'live' }]);
    assert.deepEqual(
      listed.map((l) => [l.id, l.state]),
      [
        ['l1', 'reconnecting'],
        ['l2', 'live'],
      ],
    );
  });

  test('the server puts the stored version in every view', () => {
    const record: LiveRecord = {
      id: 'l1',
      communityId: 'c1',
      roomId: 'r1',
      title: 'Comeback',
      access: 'public',
      provider: 'local',
      channelId: 'ch1',
      channelMeta: {},
      state: 'reconnecting',
      scheduledAt: null,
      startedAt: 1_000,
      endedAt: null,
      createdBy: 'u1',
      createdAt: 0,
      eventAt: 0,
      graceUntil: 61_000,
      version: 7,
    };
    assert.equal(toLiveView(record).version, 7);
  });
});
