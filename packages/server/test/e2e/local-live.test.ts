/**
 * The local provider end to end: a real ffmpeg publishes a synthetic test pattern with audio over RTMP to a
 * real Lightstick (embedded mode, ephemeral HTTP and RTMP ports, a temporary data folder, a shortened grace
 * window). Checks going live, the room's system message and the `live` frame, HLS served to an authorised
 * viewer and refused (playlist and every segment) to everyone else, refused keys, key rotation during a
 * publish, ffmpeg dying, the grace window, and the disk cleaned after the end. Prints measured figures.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LiveFrame, LiveView, MessagesFrame, PlaybackView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { createCommunity, http, joinCommunity, registerUser } from '../support/api.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join } from '../support/ws-fixtures.ts';
import { eventually, get, publish, segmentsOf, untilState, type Publisher } from '../support/live-support.ts';
import { signPlayback } from '../../src/lives/providers/local/playback-token.ts';

// Long enough for a refused publish and a new one to fit inside it on a busy machine.
const GRACE_MS = 8000;
const figures: Record<string, string> = {};

describe('local provider: ffmpeg -> RTMP -> HLS', () => {
  let app: InProcess;
  let base: string;
  let owner: string;
  let member: { token: string; id: string };
  let fan: string;
  let watcher: WsTestClient;
  let live: LiveView;
  let communityRoom: string;
  const publishers: Publisher[] = [];
  const start = (url: string) => {
    const p = publish(url);
    publishers.push(p);
    return p;
  };
  const ingestUrl = (l: LiveView) => `${l.ingest!.url}/${l.ingest!.streamKey}`;
  const channelOf = async (id: string) => (await app.services.store.lives.byId(id))!.channelId;
  const systemTexts = (room: string) =>
    watcher.frames
      .filter((f): f is MessagesFrame => f.t === 'msgs' && f.room === room)
      .flatMap((f) => f.msgs)
      .filter((m) => m.role === 'system')
      .map((m) => m.text);

  before(async () => {
    app = await startLightstick({
      env: {
        LIGHTSTICK_RTMP_PORT: '0',
        LIGHTSTICK_RTMP_HOST: '127.0.0.1',
        LIGHTSTICK_LIVE_GRACE_MS: String(GRACE_MS),
        LIGHTSTICK_MEDIA_HEARTBEAT_MS: '200',
        LIGHTSTICK_LIVE_RECONCILE_MS: '500',
      },
    });
    base = app.baseUrl;
    owner = (await registerUser(base)).accessToken;
    const m = await registerUser(base);
    member = { token: m.accessToken, id: m.user.id };
    fan = (await registerUser(base)).accessToken;
    const { community, room } = await createCommunity(base, owner);
    communityRoom = room.id;
    await joinCommunity(base, member.token, community.id);
    await joinCommunity(base, fan, community.id);
    const role = await http(base, 'PUT', `/api/communities/${community.id}/members/${member.id}`, {
      token: owner,
      body: { role: 'member' },
    });
    assert.equal(role.status, 200);
    const created = await http<LiveView>(base, 'POST', `/api/communities/${community.id}/lives`, {
      token: owner,
      body: { title: '라이브 테스트 🎤', access: 'members' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    live = created.body;
    assert.match(live.ingest?.url ?? '', /^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    watcher = await WsTestClient.authed(app.wsUrl, member.token);
    await join(watcher, communityRoom);
    await join(watcher, live.roomId);
  });

  after(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    watcher?.ws.close();
    await app?.stop();
    console.log(`# measured: ${JSON.stringify(figures)}`);
  });

  test('a valid key goes live; the room gets its system message and watchers a live frame', async () => {
    const t0 = Date.now();
    start(ingestUrl(live));
    const on = await untilState(base, owner, live.id, 'live');
    figures.publishToLiveMs = String(Date.now() - t0);
    assert.ok(on.startedAt);
    await eventually(
      () => (systemTexts(live.roomId).includes('The live has started.') ? true : undefined),
      'message',
    );
    const frame = await eventually(
      () => watcher.frames.find((f): f is LiveFrame => f.t === 'live' && f.live.state === 'live'),
      'live frame',
    );
    assert.equal(frame.live.id, live.id);
    assert.equal(frame.live.ingest, undefined, 'frames never carry the stream key');
    assert.ok(
      watcher.frames.some((f) => f.t === 'live' && f.room === communityRoom),
      'community room too',
    );
  });

  test('playlist and segments are served to an authorised viewer and refused to anyone else', async () => {
    const fanAnswer = await http(base, 'GET', `/api/lives/${live.id}/playback`, { token: fan });
    assert.equal(fanAnswer.status, 403, 'members-only live, fan without membership');
    const pb = await http<PlaybackView>(base, 'GET', `/api/lives/${live.id}/playback`, {
      token: member.token,
    });
    assert.equal(pb.status, 200);
    assert.ok(Date.parse(pb.body.expiresAt) > Date.now());
    const playlistUrl = base + pb.body.url;
    const playlist = await eventually(async () => {
      const r = await get(playlistUrl);
      return r.status === 200 && segmentsOf(r.body.toString()).length >= 2 ? r : undefined;
    }, 'two segments');
    assert.match(playlist.type, /application\/vnd\.apple\.mpegurl/);
    const text = playlist.body.toString();
    const durations = [...text.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
    figures.segmentSec = (durations.reduce((a, b) => a + b, 0) / durations.length).toFixed(2);
    const segments = segmentsOf(text);
    const dirUrl = playlistUrl.slice(0, playlistUrl.lastIndexOf('/') + 1);
    for (const s of segments) {
      const seg = await get(dirUrl + s);
      assert.equal(seg.status, 200, s);
      assert.equal(seg.type, 'video/mp2t');
      assert.equal(seg.body[0], 0x47, 'MPEG-TS sync byte');
    }
    figures.newSegmentEveryMs = String(await newSegmentPeriod(playlistUrl));

    const token = pb.body.url.split('/')[4]!;
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    const channelId = await channelOf(live.id);
    const channel = await app.services.store.localChannels.byId(channelId);
    const expired = await signPlayback(
      Buffer.from(channel!.secret, 'base64url'),
      { userId: member.id, liveId: live.id, channelId },
      Date.now() - 7_200_000,
      60,
    );
    for (const bad of [forged, expired.token, 'not-a-token']) {
      const badDir = dirUrl.replace(token, bad);
      assert.equal((await get(badDir + 'index.m3u8')).status, 403);
      for (const s of segments) assert.equal((await get(badDir + s)).status, 403, `${s} with a bad token`);
    }
    assert.equal((await get(dirUrl + '..%2F..%2F..%2Fetc%2Fpasswd')).status, 404, 'only packager names');
  });

  test('a wrong key is refused', async () => {
    const wrong = start(`${live.ingest!.url}/not-the-key-${Date.now()}`);
    assert.notEqual(await wrong.exited, 0, 'ffmpeg could not publish');
    assert.equal((await untilState(base, owner, live.id, 'live')).state, 'live', 'the real publish goes on');
  });

  test('rotating the key stops the publish at once; the old key is refused, the new one works', async () => {
    const running = publishers[0]!;
    const t0 = Date.now();
    const rotated = await http<LiveView>(base, 'POST', `/api/lives/${live.id}/key`, { token: owner });
    assert.equal(rotated.status, 200);
    assert.notEqual(rotated.body.ingest?.streamKey, live.ingest?.streamKey);
    await running.exited;
    figures.rotateToPublishStoppedMs = String(Date.now() - t0);
    const dropped = await untilState(base, owner, live.id, 'reconnecting');
    // The answer was read before the kick: the kick's change is newer by version, which is how a page that
    // hears both, in either order, shows the right state (regression/studio-stuck-on-live-after-key-rotation).
    assert.ok(dropped.version > rotated.body.version, `${dropped.version} > ${rotated.body.version}`);
    const old = start(ingestUrl(live));
    assert.notEqual(await old.exited, 0, 'the old key is refused');
    live = rotated.body;
    start(ingestUrl(live));
    assert.ok((await untilState(base, owner, live.id, 'live')).version > dropped.version);
  });

  test('ffmpeg dying moves the live to reconnecting; nobody back ends it after the grace window', async () => {
    const media = app.server.built.lives.media!;
    const channelId = await channelOf(live.id);
    const pid = await eventually(() => media.packagerPid(channelId), 'packager');
    process.kill(pid, 'SIGKILL');
    await untilState(base, owner, live.id, 'reconnecting', 10_000);
    // The publisher was dropped with the packager; it stays away.
    const dropped = publishers.at(-1)!;
    await dropped.stop();
    const t0 = Date.now();
    const ended = await untilState(base, owner, live.id, 'ended', GRACE_MS + 15_000);
    figures.reconnectingToEndedMs = String(Date.now() - t0);
    assert.ok(ended.endedAt);
    assert.equal(ended.ingest, undefined, 'no ingest once ended');
    await eventually(
      () => (existsSync(path.join(app.dataDir, 'hls', channelId)) ? undefined : true),
      'HLS folder removed',
      10_000,
    );
    // The room's system lines travel the chat path (archive, fan-out) and may reach the watcher after the live's
    // state reads `ended`: waited for, not read at once (this assertion failed once in CI on a busy machine).
    for (const t of ['The stream dropped. Reconnecting…', 'The live has ended.']) {
      await eventually(() => (systemTexts(live.roomId).includes(t) ? true : undefined), t);
    }
    const revoked = start(ingestUrl(live));
    assert.notEqual(await revoked.exited, 0, 'the key of an ended live is refused');
    const pb = await http(base, 'GET', `/api/lives/${live.id}/playback`, { token: member.token });
    assert.equal(pb.status, 409);
  });

  test('stopping the publisher ends the live after the grace window', async () => {
    const second = await http<LiveView>(base, 'POST', `/api/communities/${live.communityId}/lives`, {
      token: owner,
      body: { title: 'second' },
    });
    assert.equal(second.status, 201);
    const p = start(ingestUrl(second.body));
    await untilState(base, owner, second.body.id, 'live');
    await p.stop();
    const t0 = Date.now();
    await untilState(base, owner, second.body.id, 'reconnecting', 10_000);
    await untilState(base, owner, second.body.id, 'ended', GRACE_MS + 15_000);
    const took = Date.now() - t0;
    figures.stopToEndedMs = String(took);
    assert.ok(took >= GRACE_MS - 300, `ended after ${took} ms, before the grace window`);
  });
});

/** How often a new segment is listed: the time between three consecutive playlist changes, halved. */
async function newSegmentPeriod(url: string): Promise<number> {
  const changes: number[] = [];
  let last = segmentsOf((await get(url)).body.toString()).at(-1);
  while (changes.length < 3) {
    const now = segmentsOf((await get(url)).body.toString()).at(-1);
    if (now !== last) changes.push(Date.now());
    last = now;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Math.round((changes[2]! - changes[0]!) / 2);
}
