/**
 * A connection already in a members-only room whose re-join is refused (its member role was lowered to fan)
 * was answered `forbidden` yet stayed in the room and kept receiving its messages.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ErrorFrame } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, received, until, world } from '../support/ws-fixtures.ts';

let app: InProcess;
before(async () => {
  app = await startLightstick();
});
after(async () => {
  await app.stop();
});

test('a refused re-join removes the connection from the room', async () => {
  const w = world(app);
  const owner = await w.newUser();
  const { communityId } = await w.newCommunity(owner);
  const room = await w.addRoom(communityId, 'members');
  const member = await w.newUser();
  await w.addMember(communityId, member, 'member');
  const ownerWs = await w.connect(owner);
  const memberWs = await w.connect(member);
  await join(ownerWs, room.id);
  await join(memberWs, room.id);

  await w.addMember(communityId, member, 'fan'); // the paid membership ended
  const refused = await memberWs.request<ErrorFrame>({ op: 'join', id: nextId(), room: room.id });
  assert.equal(refused.t, 'error');
  assert.equal(refused.code, 'forbidden');

  ownerWs.send({ op: 'send', id: nextId(), room: room.id, cid: 'after-downgrade', text: 'members only' });
  await until(() => received(ownerWs, room.id).some((m) => m.text === 'members only'), 'owner sees it');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(
    received(memberWs, room.id).map((m) => m.text),
    [],
  );
  const sent = await memberWs.request<ErrorFrame>({
    op: 'send',
    id: nextId(),
    room: room.id,
    cid: 'fan-send',
    text: 'hi',
  });
  assert.equal(sent.t, 'error');
  ownerWs.close();
  memberWs.close();
});
