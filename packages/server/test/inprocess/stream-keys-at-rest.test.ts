/**
 * Stream keys at rest on a real embedded server (issue 8): the SQLite row of a live's channel holds neither
 * the stream key nor the playback secret, while the owner still gets the key from the API and a publish still
 * finds its channel by it; a row stored in clear by an earlier version is sealed at the next start; a KEK
 * rotation across restarts keeps the key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LiveView } from '@lightstick/protocol';
import { kekId } from '../../src/auth/key-vault.ts';
import { startLightstick, tempDir, type InProcess } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';

interface Row {
  id: string;
  stream_key: string | null;
  stream_key_hash: string | null;
  secret: string;
}

/** The channel rows as the SQLite file holds them, read beside the running server. */
function rows(dataDir: string): Row[] {
  const db = new Database(path.join(dataDir, 'lightstick.db'), { readonly: true });
  try {
    return db.prepare('select * from local_channels').all() as Row[];
  } finally {
    db.close();
  }
}

async function newLive(app: InProcess): Promise<{ owner: string; live: LiveView; streamKey: string }> {
  const owner = (await registerUser(app.baseUrl)).accessToken;
  const { community } = await createCommunity(app.baseUrl, owner);
  const r = await http<LiveView>(app.baseUrl, 'POST', `/api/communities/${community.id}/lives`, {
    token: owner,
    body: { title: 'sealed keys' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const streamKey = r.body.ingest?.streamKey ?? assert.fail('no ingest in the answer to the owner');
  return { owner, live: r.body, streamKey };
}

async function ownerSees(app: InProcess, owner: string, liveId: string): Promise<string | undefined> {
  const r = await http<LiveView>(app.baseUrl, 'GET', `/api/lives/${liveId}`, { token: owner });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.ingest?.streamKey;
}

test('the database row holds no stream key or playback secret, while the owner still gets the key', async () => {
  const app = await startLightstick();
  try {
    const { owner, live, streamKey } = await newLive(app);
    const stored = rows(app.dataDir);
    assert.equal(stored.length, 1);
    const text = JSON.stringify(stored);
    assert.ok(!text.includes(streamKey), `the stream key is in the database: ${text}`);
    assert.match(stored[0]!.stream_key ?? '', /^enc:v1:/);
    assert.match(stored[0]!.secret, /^enc:v1:/);
    assert.equal(await ownerSees(app, owner, live.id), streamKey);
    // What the RTMP ingest asks when a publisher connects with the key.
    assert.equal((await app.services.store.localChannels.byStreamKey(streamKey))?.id, stored[0]!.id);
    // The playback secret opens too: a URL signed with it passes the HLS token check (then the live is simply
    // not on air yet: 404, where a token signed with anything else is 403).
    const grant = await app.server.built.lives.providers
      .of('local')
      .playback(
        { channelId: stored[0]!.id, meta: {} },
        { userId: 'u-viewer', liveId: live.id, access: live.access },
        60,
      );
    const hls = await http<{ error: { code: string } }>(
      app.baseUrl,
      'GET',
      new URL(grant.url, app.baseUrl).pathname,
    );
    assert.equal(hls.status, 404, JSON.stringify(hls.body));
    const forged = grant.url.replace(
      /\/([^/]+)\/index\.m3u8$/,
      (_, t: string) => `/${t.slice(0, -4)}AAAA/index.m3u8`,
    );
    assert.equal((await http(app.baseUrl, 'GET', new URL(forged, app.baseUrl).pathname)).status, 403);
  } finally {
    await app.stop();
  }
});

test('a stream key stored in clear by an earlier version is sealed at the next start and still works', async () => {
  const dataDir = await tempDir();
  try {
    const first = await startLightstick({ dataDir });
    const { owner, live, streamKey } = await newLive(first);
    const channelId = rows(dataDir)[0]!.id;
    await first.stop({ keepData: true });
    // As a version before sealing wrote it: clear key and secret, no lookup hash.
    const clearSecret = randomBytes(32).toString('base64url');
    const db = new Database(path.join(dataDir, 'lightstick.db'));
    db.prepare(
      'update local_channels set stream_key = ?, secret = ?, stream_key_hash = null where id = ?',
    ).run(streamKey, clearSecret, channelId);
    db.close();

    const second = await startLightstick({ dataDir });
    try {
      const [row] = rows(dataDir);
      assert.ok(!JSON.stringify(row).includes(streamKey), 'sealed at start');
      assert.ok(!JSON.stringify(row).includes(clearSecret), 'sealed at start');
      assert.equal(row?.stream_key_hash?.length, 64);
      assert.equal(await ownerSees(second, owner, live.id), streamKey);
      assert.equal((await second.services.store.localChannels.byStreamKey(streamKey))?.id, channelId);
      assert.equal((await second.services.store.localChannels.byId(channelId))?.secret, clearSecret);
    } finally {
      await second.stop({ keepData: true });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a KEK rotation across restarts re-seals stream keys under the new key and keeps them', async () => {
  const dataDir = await tempDir();
  const [k1, k2] = [randomBytes(32), randomBytes(32)];
  const env = (current: Buffer, previous?: Buffer) => ({
    LIGHTSTICK_KEY_ENCRYPTION_KEY: current.toString('hex'),
    ...(previous ? { LIGHTSTICK_KEY_ENCRYPTION_KEYS_PREVIOUS: previous.toString('hex') } : {}),
  });
  try {
    const first = await startLightstick({ dataDir, env: env(k1) });
    const { owner, live, streamKey } = await newLive(first);
    assert.ok(rows(dataDir)[0]!.stream_key?.startsWith(`enc:v1:${kekId(k1)}:`));
    await first.stop({ keepData: true });

    const second = await startLightstick({ dataDir, env: env(k2, k1) });
    try {
      const [row] = rows(dataDir);
      assert.ok(row?.stream_key?.startsWith(`enc:v1:${kekId(k2)}:`), 're-sealed under the new KEK at start');
      assert.ok(row?.secret.startsWith(`enc:v1:${kekId(k2)}:`));
      assert.equal(await ownerSees(second, owner, live.id), streamKey);
    } finally {
      await second.stop({ keepData: true });
    }
    const third = await startLightstick({ dataDir, env: env(k2) });
    try {
      assert.equal(await ownerSees(third, owner, live.id), streamKey, 'the old KEK is no longer needed');
    } finally {
      await third.stop({ keepData: true });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
