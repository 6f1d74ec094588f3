/**
 * Regression (issue 8): a chat message `"a\ud800b"` was acknowledged and delivered as sent but archived as
 * `a\uFFFD...b`, and a `cid` holding a lone surrogate was acknowledged with another cid. Malformed UTF-16 is
 * now refused with validation_failed, in the text, the cid and the display name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { join, nextId, world } from '../support/ws-fixtures.ts';
import type { WsTestClient } from '../support/ws-client.ts';
import { http } from '../support/api.ts';

let app: InProcess;
const clients: WsTestClient[] = [];
before(async () => {
  app = await startLightstick();
});
after(async () => {
  for (const c of clients) c.close();
  await app.stop();
});

test('lone surrogates in text, cid and display name answer validation_failed', async () => {
  const w = world(app);
  const owner = await w.newUser();
  const { room } = await w.newCommunity(owner);
  const c = await w.connect(owner);
  clients.push(c);
  await join(c, room.id);
  // JSON escapes keep the lone surrogate through JSON.stringify on both sides.
  const frame = (text: string, cid: string) =>
    `{"op":"send","id":${nextId()},"room":"${room.id}","cid":"${cid}","text":"${text}"}`;
  for (const raw of [frame('a\\ud800b', 'ok-cid'), frame('fine', 'c\\udc00id')]) {
    c.send(raw);
    const f = await c.next((x) => x.t === 'error' || x.t === 'ack');
    assert.equal(f.t === 'error' && f.code, 'validation_failed', raw);
  }
  const res = await http<{ error: { code: string } }>(app.baseUrl, 'POST', '/api/auth/register', {
    raw: '{"username":"surrogate1","password":"correct horse battery","displayName":"Mi\\ud800na"}',
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'validation_failed');
});
