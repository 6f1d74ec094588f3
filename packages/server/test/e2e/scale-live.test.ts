/**
 * The local provider in scale-out mode (PostgreSQL + Redis): an `api,gateway` process serves the contract and
 * a separate `media` process takes the RTMP publish, packages it and serves the HLS for the URL that
 * `playback` returns (the Ingress sends /media to it). They share only the Store and the broker: the media
 * process's events reach the live (state, system message, `live` frame through the gateway), a key rotated
 * on the api process stops the publish on the media process, and the end comes after the grace window.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LiveFrame, LiveView, MessagesFrame, PlaybackView } from '@lightstick/protocol';
import { freePort, spawnLightstick, type Spawned } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';
import {
  dropPrefix,
  dropSchema,
  PG_URL,
  REDIS_URL,
  uniquePrefix,
  uniqueSchema,
} from '../support/archive-resources.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join } from '../support/ws-fixtures.ts';
import { eventually, get, publish, segmentsOf, untilState, type Publisher } from '../support/live-support.ts';

const GRACE_MS = 4000;

describe('local provider across an api process and a media process', () => {
  const schema = uniqueSchema();
  const prefix = uniquePrefix();
  let api: Spawned;
  let media: Spawned;
  let owner: string;
  let live: LiveView;
  let watcher: WsTestClient;
  const publishers: Publisher[] = [];
  const figures: Record<string, string> = {};

  before(async () => {
    const rtmpPort = await freePort();
    const env = {
      LIGHTSTICK_DATABASE_URL: PG_URL,
      LIGHTSTICK_DATABASE_SCHEMA: schema,
      LIGHTSTICK_REDIS_URL: REDIS_URL,
      LIGHTSTICK_REDIS_PREFIX: prefix,
      LIGHTSTICK_RTMP_PUBLIC_URL: `rtmp://127.0.0.1:${rtmpPort}/live`,
      LIGHTSTICK_LIVE_GRACE_MS: String(GRACE_MS),
      LIGHTSTICK_LIVE_RECONCILE_MS: '500',
      LIGHTSTICK_MEDIA_HEARTBEAT_MS: '300',
    };
    api = await spawnLightstick({ env, args: ['--role', 'api,gateway'] });
    media = await spawnLightstick({
      env: { ...env, LIGHTSTICK_RTMP_PORT: String(rtmpPort), LIGHTSTICK_RTMP_HOST: '127.0.0.1' },
      args: ['--role', 'media'],
    });
    owner = (await registerUser(api.baseUrl)).accessToken;
    const { community, room } = await createCommunity(api.baseUrl, owner);
    const r = await http<LiveView>(api.baseUrl, 'POST', `/api/communities/${community.id}/lives`, {
      token: owner,
      body: { title: 'scale-out live' },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    live = r.body;
    watcher = await WsTestClient.authed(api.wsUrl, owner);
    await join(watcher, room.id);
    await join(watcher, live.roomId);
  });

  after(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    watcher?.ws.close();
    await Promise.allSettled([api?.stop(), media?.stop()]);
    await dropSchema(schema);
    await dropPrefix(prefix);
    console.log(`# measured: ${JSON.stringify(figures)}`);
  });

  test('the media process takes the publish; the api process sees it live and watchers hear of it', async () => {
    const t0 = Date.now();
    publishers.push(publish(`${live.ingest!.url}/${live.ingest!.streamKey}`));
    await untilState(api.baseUrl, owner, live.id, 'live');
    figures.publishToLiveMs = String(Date.now() - t0);
    await eventually(
      () => watcher.frames.find((f): f is LiveFrame => f.t === 'live' && f.live.state === 'live'),
      'live frame through the gateway',
    );
    await eventually(
      () =>
        watcher.frames.some(
          (f) => f.t === 'msgs' && (f as MessagesFrame).msgs.some((m) => m.text === 'The live has started.'),
        )
          ? true
          : undefined,
      'system message in the live room',
    );
  });

  test('the playback URL from the api process is served by the media process', async () => {
    const pb = await http<PlaybackView>(api.baseUrl, 'GET', `/api/lives/${live.id}/playback`, {
      token: owner,
    });
    assert.equal(pb.status, 200);
    const playlist = await eventually(async () => {
      const r = await get(media.baseUrl + pb.body.url);
      return r.status === 200 && segmentsOf(r.body.toString()).length > 0 ? r.body.toString() : undefined;
    }, 'playlist on the media process');
    const dir = media.baseUrl + pb.body.url.slice(0, pb.body.url.lastIndexOf('/') + 1);
    const seg = await get(dir + segmentsOf(playlist)[0]);
    assert.equal(seg.status, 200);
    assert.equal(seg.body[0], 0x47);
    assert.equal((await get(api.baseUrl + pb.body.url)).status, 404, 'api processes serve no HLS');
  });

  test('a key rotated on the api process stops the publish on the media process; the live ends after the grace window', async () => {
    const t0 = Date.now();
    const rotated = await http<LiveView>(api.baseUrl, 'POST', `/api/lives/${live.id}/key`, { token: owner });
    assert.equal(rotated.status, 200);
    await publishers[0]!.exited;
    figures.rotateToPublishStoppedMs = String(Date.now() - t0);
    // The watcher's frames record every state, so a slow poll cannot miss the short `reconnecting`.
    await eventually(
      () =>
        watcher.frames.some(
          (f) => f.t === 'live' && f.live.id === live.id && f.live.state === 'reconnecting',
        ) || undefined,
      'the watcher sees the live reconnecting',
      15_000,
    );
    await untilState(api.baseUrl, owner, live.id, 'ended', GRACE_MS + 15_000);
    // The frame crosses the broker after the state is stored: it may reach the watcher a little after the
    // api answers `ended` (seen on a loaded machine).
    await eventually(
      () => watcher.frames.some((f) => f.t === 'live' && f.live.state === 'ended') || undefined,
      'the end reached the watcher',
      15_000,
    );
  });
});
