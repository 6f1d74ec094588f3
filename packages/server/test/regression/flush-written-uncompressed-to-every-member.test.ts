/**
 * A room's flush went to every member uncompressed: the gateway turned permessage-deflate down, and at 100 000
 * viewers × 20 msgs/s the bytes through loopback TCP were the limit (docs/benchmarks.md, "Stop 51": the clients'
 * receive queues full, the kernel dropping segments, 10–26 % of the deliveries missing 10 s after the last send).
 * A flush of 50 fan messages is about a quarter of its size compressed. The gateway now accepts a client's offer
 * (no context takeover either way), compresses each frame once for all its members, and reads what a client
 * compresses; a client that offers nothing, or a gateway with LIGHTSTICK_WS_DEFLATE=false, sees plain frames.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket, { type ClientOptions } from 'ws';
import { chatMessages, type MessagesFrame, type ServerFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { countCompressed } from '../support/compressed-count.ts';
import { join, nextId, until, world, type TestUser } from '../support/ws-fixtures.ts';

interface Fan {
  ws: WebSocket;
  frames: ServerFrame[];
  /** Messages that arrived compressed so far. */
  compressed: () => number;
}

/** A raw client with `options`, authenticated and joined to `room`. */
async function fan(app: InProcess, user: TestUser, room: string, options: ClientOptions): Promise<Fan> {
  const ws = new WebSocket(app.wsUrl, options);
  ws.on('error', () => {});
  const frames: ServerFrame[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as ServerFrame));
  await once(ws, 'open');
  const compressed = countCompressed(ws);
  const answer = (id: number) => frames.find((x) => 'id' in x && x.id === id);
  const auth = nextId();
  ws.send(JSON.stringify({ op: 'auth', id: auth, token: user.token }));
  await until(() => answer(auth) !== undefined, 'authed');
  const joinId = nextId();
  ws.send(JSON.stringify({ op: 'join', id: joinId, room }));
  await until(() => answer(joinId) !== undefined, 'joined');
  assert.equal(answer(joinId)!.t, 'joined');
  return { ws, frames, compressed };
}

const texts = (f: Fan, room: string) =>
  f.frames
    .filter((x): x is MessagesFrame => x.t === 'msgs' && x.room === room)
    .flatMap((x) => chatMessages(x).map((m) => m.text));

describe('regression: a flush was written uncompressed to every member', () => {
  const apps: InProcess[] = [];
  after(async () => {
    for (const app of apps) await app.stop();
  });

  for (const enabled of [true, false]) {
    test(`members read the same messages${enabled ? ', compressed where offered' : ' with compression off'}`, async () => {
      const app = await startLightstick(enabled ? {} : { env: { LIGHTSTICK_WS_DEFLATE: 'false' } });
      apps.push(app);
      const w = world(app);
      const { room, owner, communityId } = await w.ownerInRoomWithFan();
      const users = [await w.newUser(), await w.newUser(), await w.newUser()];
      for (const u of users) await w.addMember(communityId, u);
      const offering = await fan(app, users[0]!, room.id, {});
      // ws compresses every message it sends with threshold 0, as a browser does.
      const compressing = await fan(app, users[1]!, room.id, { perMessageDeflate: { threshold: 0 } });
      const plain = await fan(app, users[2]!, room.id, { perMessageDeflate: false });

      // Each long enough that a frame of one is over the gateway's threshold (512 bytes).
      const sent = Array.from({ length: 20 }, (_, i) => `${i} 사랑해요 ファンです ${'💜'.repeat(80)} ${i}`);
      for (const text of sent.slice(0, 10)) {
        const id = nextId();
        owner.send({ op: 'send', id, room: room.id, cid: `o${id}`, text });
      }
      // The compressing fan's sends are inflated by the gateway and acknowledged.
      for (const text of sent.slice(10)) {
        const id = nextId();
        compressing.ws.send(JSON.stringify({ op: 'send', id, room: room.id, cid: `c${id}`, text }));
      }
      await until(
        () =>
          compressing.frames.filter((f) => f.t === 'ack').length === 10 &&
          [offering, compressing, plain].every((f) => texts(f, room.id).length === 20),
        'every message to every member',
      );
      for (const f of [offering, compressing, plain])
        assert.deepEqual(texts(f, room.id).sort(), [...sent].sort());
      if (enabled) {
        assert.ok(offering.compressed() > 0 && compressing.compressed() > 0, 'flushes arrive compressed');
      } else {
        assert.equal(offering.compressed() + compressing.compressed(), 0);
      }
      assert.equal(plain.compressed(), 0);
      for (const f of [offering, compressing, plain]) f.ws.terminate();
      await join(owner, room.id); // the gateway still answers
    });
  }
});
