/**
 * Once the server decides to close a connection (ten bad frames in a row: 4029; a re-auth as another user:
 * 4003), frames already queued behind the deciding one used to be handled all the same: a send written
 * right after the tenth bad frame was stored and delivered to the room, though its connection was being
 * closed for a policy violation and its ack could never arrive.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLightstick, type InProcess } from '../support/harness.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { join, nextId, received, until, world } from '../support/ws-fixtures.ts';

describe('regression: frames queued behind a closing decision', () => {
  let app: InProcess;
  let w: ReturnType<typeof world>;
  let room: string;
  let communityId: string;
  let observer: WsTestClient;

  before(async () => {
    app = await startLightstick();
    w = world(app);
    const owner = await w.newUser();
    const c = await w.newCommunity(owner);
    room = c.room.id;
    communityId = c.communityId;
    observer = await w.connect(owner);
    await join(observer, room);
  });
  after(async () => {
    observer.close();
    await app.stop();
  });

  /** Proves nothing from `text` reached the room: the observer's own later message arrives, alone. */
  async function assertNotDelivered(text: string): Promise<void> {
    // Give a wrongly handled send ample time to be stored and fanned out, then a marker behind it.
    await new Promise((r) => setTimeout(r, 300));
    const marker = `marker ${nextId()}`;
    observer.send({ op: 'send', id: nextId(), room, cid: `m${nextId()}`, text: marker });
    await until(() => received(observer, room).some((m) => m.text === marker), 'marker delivered');
    assert.deepEqual(
      received(observer, room).filter((m) => m.text === text),
      [],
    );
    const stored = await app.services.store.messages.latest(room, 50);
    assert.equal(stored.filter((m) => m.text === text).length, 0, 'not stored');
  }

  test('a send behind the tenth bad frame is not acted on (4029)', async () => {
    const fan = await w.newUser();
    await w.addMember(communityId, fan);
    const c = await w.connect(fan);
    await join(c, room);
    for (let i = 0; i < 10; i++) c.send('not json');
    c.send({ op: 'send', id: nextId(), room, cid: 'after-4029', text: 'after a policy close' });
    assert.equal((await c.waitClose()).code, 4029);
    await assertNotDelivered('after a policy close');
  });

  test('a send behind a re-auth as another user is not acted on (4003)', async () => {
    const fan = await w.newUser();
    const other = await w.newUser();
    await w.addMember(communityId, fan);
    const c = await w.connect(fan);
    await join(c, room);
    c.send({ op: 'auth', id: nextId(), token: other.token });
    c.send({ op: 'send', id: nextId(), room, cid: 'after-4003', text: 'after a failed re-auth' });
    assert.equal((await c.waitClose()).code, 4003);
    await assertNotDelivered('after a failed re-auth');
  });
});
