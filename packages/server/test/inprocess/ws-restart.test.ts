/**
 * After a restart the in-memory hot history is empty while the SQLite archive holds everything: a client
 * resuming from its position gets exactly what it missed, in the same epoch, and new offsets continue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type { AckFrame } from '@lightstick/protocol';
import { startLightstick, tempDir } from '../support/harness.ts';
import { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, received, until, world } from '../support/ws-fixtures.ts';

test('resume across a server restart is served from the archive-seeded history', async () => {
  const dataDir = await tempDir();
  try {
    const first = await startLightstick({ dataDir });
    const w1 = world(first);
    const owner = await w1.newUser();
    const fan = await w1.newUser();
    const { communityId, room } = await w1.newCommunity(owner);
    await w1.addMember(communityId, fan);
    const listener = await w1.connect(fan);
    await join(listener, room.id);
    const talker = await w1.connect(owner);
    await join(talker, room.id);
    const send = (c: WsTestClient, text: string) =>
      c.request<AckFrame>({ op: 'send', id: nextId(), room: room.id, cid: `c${nextId()}`, text });
    for (let i = 0; i < 3; i++) await send(talker, `seen ${i}`);
    await until(() => received(listener, room.id).length === 3, 'three messages');
    const last = received(listener, room.id).at(-1)!.pos;
    listener.close();
    for (let i = 0; i < 4; i++) assert.equal((await send(talker, `missed ${i}`)).t, 'ack');
    talker.close();
    await first.stop({ keepData: true });

    const second = await startLightstick({ dataDir });
    try {
      const w2 = world(second);
      const back = await WsTestClient.authed(second.wsUrl, await w2.tokenFor({ ...fan, token: '' }));
      const joined = await join(back, room.id, last);
      assert.equal(joined.reload, false);
      assert.deepEqual(
        joined.missed.map((m) => m.text),
        ['missed 0', 'missed 1', 'missed 2', 'missed 3'],
      );
      assert.deepEqual(joined.pos, { epoch: room.epoch, offset: 7 });
      const ownerAgain = await WsTestClient.authed(second.wsUrl, await w2.tokenFor({ ...owner, token: '' }));
      await join(ownerAgain, room.id);
      const ack = await send(ownerAgain, 'after restart');
      assert.deepEqual(ack.pos, { epoch: room.epoch, offset: 8 });
      await until(() => received(back, room.id).length === 1, 'live message after restart');
      back.close();
      ownerAgain.close();
    } finally {
      await second.stop({ keepData: true });
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
