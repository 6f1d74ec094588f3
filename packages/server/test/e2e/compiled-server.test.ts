/**
 * The compiled server (issue 6, part 6): `npm run build` bundles the server with esbuild into dist/, and that
 * build runs on plain node, with no TypeScript loader, in both modes: embedded (one process, SQLite) and
 * scale-out (an api and a gateway process over Redis and PostgreSQL). The smoke test is the suite's usual one:
 * sign up, join a community, send over a real WebSocket and hear the message on another connection.
 * `npm test`'s pretest builds dist/; run alone, this file builds it when it is missing.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { AckFrame, MessagesFrame } from '@lightstick/protocol';
import { COMPILED_MAIN, REPO_ROOT, spawnLightstick } from '../support/harness.ts';
import { startCluster } from '../support/cluster.ts';
import { createCommunity, joinCommunity, registerUser } from '../support/api.ts';
import { WsTestClient } from '../support/ws-client.ts';

/** Signs up an owner and a fan, joins both to a room and checks that a send from one reaches the other. */
async function smoke(apiUrl: string, ownerWs: string, fanWs: string): Promise<void> {
  const owner = await registerUser(apiUrl);
  const fan = await registerUser(apiUrl);
  const { community, room } = await createCommunity(apiUrl, owner.accessToken);
  await joinCommunity(apiUrl, fan.accessToken, community.id);
  const a = await WsTestClient.authed(ownerWs, owner.accessToken);
  const b = await WsTestClient.authed(fanWs, fan.accessToken);
  try {
    for (const c of [a, b]) {
      const joined = await c.request({ op: 'join', id: 1, room: room.id });
      assert.equal(joined.t, 'joined', JSON.stringify(joined));
    }
    const ack = await b.request<AckFrame>({
      op: 'send',
      id: 2,
      room: room.id,
      cid: 'c1',
      text: 'compiled 💜',
    });
    assert.equal(ack.t, 'ack', JSON.stringify(ack));
    const heard = await a.next<MessagesFrame>(
      (f) => f.t === 'msgs' && f.msgs.some((m) => m.text === 'compiled 💜'),
      30_000,
    );
    assert.equal(heard.room, room.id);
  } finally {
    a.close();
    b.close();
  }
}

describe('the compiled server', () => {
  before(() => {
    if (existsSync(COMPILED_MAIN)) return;
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/server/build.mjs')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
  });

  test('the build is plain JavaScript: no TypeScript source is bundled as such and no loader is needed', () => {
    assert.match(COMPILED_MAIN, /dist\/server\/main\.js$/);
    // Node refuses .ts files without a loader; the entry runs (below) with none, so it must be JavaScript.
    const r = spawnSync(process.execPath, [COMPILED_MAIN, '--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /usage: lightstick serve/);
  });

  test('embedded mode: signup, join, send and receive over a real WebSocket', async () => {
    const server = await spawnLightstick({ compiled: true });
    try {
      await smoke(server.baseUrl, server.wsUrl, server.wsUrl);
      assert.equal((await server.stop()).code, 0);
    } finally {
      await server.kill('SIGKILL');
      await rm(server.dataDir, { recursive: true, force: true });
    }
  });

  test('scale-out mode: an api and two gateway processes over Redis and PostgreSQL', async () => {
    const cluster = await startCluster({ gateways: 2, compiled: true });
    try {
      await smoke(cluster.api.baseUrl, cluster.wsUrls[0]!, cluster.wsUrls[1]!);
    } finally {
      await cluster.stop();
    }
  });
});
