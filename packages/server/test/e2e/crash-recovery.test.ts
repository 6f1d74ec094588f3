/**
 * A server killed with SIGKILL while clients are sending keeps every acknowledged message:
 * after a restart on the same data folder, every ack'd message is in the archive and in hot history,
 * and a client that resumes from its last position receives exactly what it missed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import type {
  AckFrame,
  ChatMessage,
  JoinedFrame,
  MessagePage,
  MessagesFrame,
  Position,
} from '@lightstick/protocol';
import { spawnLightstick, tempDir } from '../support/harness.ts';
import { createCommunity, http, joinCommunity, registerUser } from '../support/api.ts';
import { WsTestClient } from '../support/ws-client.ts';

const SENDERS = 3;

async function readArchive(baseUrl: string, token: string, room: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  let after = 0;
  for (;;) {
    const page = await http<MessagePage>(
      baseUrl,
      'GET',
      `/api/rooms/${room}/messages?after=${after}&limit=100`,
      { token },
    );
    assert.equal(page.status, 200);
    all.push(...page.body.messages);
    if (page.body.nextCursor === null || page.body.messages.length === 0) return all;
    after = page.body.nextCursor;
  }
}

test('SIGKILL during sends loses no acknowledged message; resume after restart gets what was missed', async () => {
  const dataDir = await tempDir();
  let server = await spawnLightstick({ dataDir });
  const port = server.port;
  try {
    const owner = await registerUser(server.baseUrl);
    const { community, room } = await createCommunity(server.baseUrl, owner.accessToken);
    const fans = await Promise.all(Array.from({ length: SENDERS }, () => registerUser(server.baseUrl)));
    for (const f of fans) await joinCommunity(server.baseUrl, f.accessToken, community.id);

    // A listener that only receives, to resume later.
    const listener = await WsTestClient.authed(server.wsUrl, owner.accessToken);
    const joined = await listener.request<JoinedFrame>({ op: 'join', id: 1, room: room.id });
    let lastPos: Position = joined.pos;
    listener.ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as MessagesFrame;
      if (f.t === 'msgs') lastPos = f.upto;
    });

    const acked = new Map<string, AckFrame>();
    const senders = await Promise.all(fans.map((f) => WsTestClient.authed(server.wsUrl, f.accessToken)));
    for (const s of senders) await s.request({ op: 'join', id: 1, room: room.id });
    for (const s of senders) {
      s.ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as AckFrame;
        if (f.t === 'ack') acked.set(f.mid, f);
      });
    }
    // Each sender keeps sending within its rate limit until the server dies.
    let n = 0;
    const timer = setInterval(() => {
      for (const [i, s] of senders.entries()) {
        if (s.ws.readyState === s.ws.OPEN)
          s.send({ op: 'send', id: ++n, room: room.id, cid: `s${i}-${n}`, text: `message ${n} 🎉` });
      }
    }, 220);
    const ackedAtLeast = async (n: number) => {
      while (acked.size < n) await new Promise((r) => setTimeout(r, 20));
    };
    // The listener "drops" here: it resumes later from this position, so it misses the rest.
    await ackedAtLeast(10);
    const listenerPosBeforeKill = lastPos;
    await ackedAtLeast(45);
    await server.kill('SIGKILL');
    clearInterval(timer);
    const ackedAtKill = new Map(acked);
    assert.ok(ackedAtKill.size >= 45, `acknowledged ${ackedAtKill.size}`);

    server = await spawnLightstick({ dataDir, port });
    const archive = await readArchive(server.baseUrl, owner.accessToken, room.id);
    const archivedIds = new Set(archive.map((m) => m.id));
    const missing = [...ackedAtKill.keys()].filter((mid) => !archivedIds.has(mid));
    assert.deepEqual(missing, [], `acknowledged but not archived: ${missing.length} of ${ackedAtKill.size}`);
    // Positions in the archive are consecutive: no holes.
    archive.forEach((m, i) => assert.equal(m.pos.offset, i + 1));
    for (const [mid, ack] of ackedAtKill) {
      const stored = archive.find((m) => m.id === mid);
      assert.deepEqual(stored?.pos, ack.pos);
    }

    // The listener resumes from the position it held before the kill.
    const again = await WsTestClient.authed(server.wsUrl, owner.accessToken);
    const resumed = await again.request<JoinedFrame>({
      op: 'join',
      id: 2,
      room: room.id,
      since: listenerPosBeforeKill,
    });
    assert.equal(resumed.reload, false, 'hot history was reseeded from the archive');
    assert.ok(resumed.missed.length >= 30, `resumed ${resumed.missed.length}`);
    const expected = archive.filter((m) => m.pos.offset > listenerPosBeforeKill.offset).map((m) => m.id);
    assert.deepEqual(
      resumed.missed.map((m) => m.id),
      expected,
    );
    assert.deepEqual(resumed.pos, archive.at(-1)?.pos);
    console.log(
      `# acknowledged before SIGKILL: ${ackedAtKill.size}; archived after restart: ${archive.length}; resumed: ${resumed.missed.length}`,
    );
    again.close();
    for (const s of senders) s.close();
    listener.close();
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
