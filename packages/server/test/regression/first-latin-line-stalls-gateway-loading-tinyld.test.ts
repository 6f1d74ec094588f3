/**
 * The language detector (tinyld, ~30 MB of tables) loaded on the first chat line that needed it, synchronously,
 * in the middle of a live: ~0.22 s of compile and table building on an idle core, 1.1 s in a gateway's profile on
 * a busy one, during which that gateway served nobody (no reads, no acks, no fan-out). Every gateway paid it once,
 * on its first Latin-script line, with its room already talking (`live` showed event-loop stalls of 0.8–1.6 s at
 * the start of each run, docs/benchmarks.md "Stop 22"). The gateway now loads it when a fan joins, on a later turn
 * of the loop, before the room's first line; a process nobody joins still never loads it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, received, until, world } from '../support/ws-fixtures.ts';
import { languageDetectorLoaded } from '../../src/chat/language.ts';

describe('regression: the first Latin-script line loads the language detector in a live room', () => {
  let app: InProcess;
  let client: WsTestClient | undefined;

  before(async () => {
    app = await startLightstick();
  });
  after(async () => {
    client?.close();
    await app.stop();
  });

  test('a join loads it before any line is sent; the first line is then annotated as before', async () => {
    const w = world(app);
    const owner = await w.newUser();
    const { room } = await w.newCommunity(owner);
    // Started, signed up, a community made: nothing has needed it yet.
    assert.equal(languageDetectorLoaded(), false, 'not loaded before anyone joins');

    client = await w.connect(owner);
    await join(client, room.id);
    await until(() => languageDetectorLoaded(), 'loaded after the join, with no line sent');

    const text = 'hello everyone, the encore was amazing tonight';
    client.send({ op: 'send', id: nextId(), room: room.id, cid: `c${nextId()}`, text });
    await until(() => received(client!, room.id).some((m) => m.text === text), 'the line delivered');
    assert.equal(received(client, room.id).find((m) => m.text === text)?.lang, 'en');
  });
});
