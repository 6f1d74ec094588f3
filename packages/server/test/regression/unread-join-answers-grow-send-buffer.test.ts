/**
 * The 4 MiB send-buffer limit (close 4010) was only checked when a room's live `msgs` frame was written.
 * Answers were written unchecked: a client that stops reading and repeats `join` with an old `since` (each
 * answer replays up to maxResumeMessages messages) made the server buffer without bound in a quiet room.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, world } from '../support/ws-fixtures.ts';

const HARD = 64 * 1024;

describe('regression: answers a client does not read', () => {
  let app: InProcess;

  before(async () => {
    // Joins per connection are limited (20 per 10 s by default, refusals count toward 4029): this reader's
    // repeated joins are what the test needs, so the limit is raised for it.
    app = await startLightstick({
      env: { LIGHTSTICK_JOIN_LIMIT: '100000' },
      limits: { softBufferBytes: HARD / 2, hardBufferBytes: HARD },
    });
  });
  after(async () => {
    await app.stop();
  });

  test('a reader that stops reading its join answers is closed with 4010', async () => {
    const w = world(app);
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    const c = await w.connect(owner);
    const first = await join(c, room.id);
    for (let i = 0; i < 100; i++) {
      const ack = await c.request<AckFrame>({
        op: 'send',
        id: nextId(),
        room: room.id,
        cid: `fill-${i}`,
        text: `${i} `.padEnd(400, 'x'),
      });
      assert.equal(ack.t, 'ack');
    }
    // Stop reading, then ask for the same ~45 KB replay again and again (far beyond any kernel buffer).
    const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    // In small batches, so fewer than the 64 frames allowed are ever waiting to be handled.
    for (let batch = 0; batch < 30; batch++) {
      for (let i = 0; i < 20; i++) c.send({ op: 'join', id: nextId(), room: room.id, since: first.pos });
      await new Promise((r) => setTimeout(r, 50));
    }
    // Then read again and see how it ended.
    socket.resume();
    const closed = await c.waitClose(10_000).catch(() => undefined);
    if (closed === undefined) c.close();
    assert.equal(closed?.code, 4010);
  });
});
