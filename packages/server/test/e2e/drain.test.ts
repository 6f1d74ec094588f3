/** SIGTERM drains: clients are told to reconnect and closed with 1012, the archive is flushed, exit code 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { AckFrame, MessagePage, ReconnectFrame } from '@lightstick/protocol';
import { CloseCode } from '@lightstick/protocol';
import { spawnLightstick, tempDir } from '../support/harness.ts';
import { createCommunity, http, registerUser } from '../support/api.ts';
import { WsTestClient } from '../support/ws-client.ts';

test('SIGTERM tells clients to reconnect, flushes the archive and exits 0', async () => {
  const dataDir = await tempDir();
  const first = await spawnLightstick({ dataDir, env: { LIGHTSTICK_DRAIN_TIMEOUT_MS: '2000' } });
  try {
    const owner = await registerUser(first.baseUrl);
    const { room } = await createCommunity(first.baseUrl, owner.accessToken);
    const clients = await Promise.all(
      [1, 2, 3].map(() => WsTestClient.authed(first.wsUrl, owner.accessToken)),
    );
    for (const c of clients) await c.request({ op: 'join', id: 1, room: room.id });
    const acks: AckFrame[] = [];
    for (let i = 0; i < 5; i++)
      acks.push(
        await clients[0]!.request<AckFrame>({
          op: 'send',
          id: 10 + i,
          room: room.id,
          cid: `d${i}`,
          text: `bye ${i}`,
        }),
      );

    const exited = first.stop();
    for (const c of clients) {
      const f = await c.next<ReconnectFrame>((x) => x.t === 'reconnect');
      assert.ok(f.afterMs >= 0 && f.afterMs <= 2000);
      assert.equal((await c.waitClose(5000)).code, CloseCode.ServiceRestart);
    }
    assert.equal((await exited).code, 0);
    assert.match(first.output(), /"msg":"drained"/);

    const second = await spawnLightstick({ dataDir });
    try {
      const page = await http<MessagePage>(second.baseUrl, 'GET', `/api/rooms/${room.id}/messages?limit=50`, {
        token: owner.accessToken,
      });
      assert.deepEqual(
        page.body.messages.map((m) => m.id),
        acks.map((a) => a.mid),
      );
    } finally {
      await second.stop();
    }
  } finally {
    await first.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});
