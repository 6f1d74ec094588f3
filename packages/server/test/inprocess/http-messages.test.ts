import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AuthResponse, CommunityView, MessagePage, RoomView } from '@lightstick/protocol';
import { errorCode, register, startHttp, uniq, type HttpFixture } from '../support/http-fixture.ts';

describe('HTTP message archive paging', () => {
  let f: HttpFixture;
  let fan: AuthResponse;
  let room: RoomView;
  let empty: RoomView;
  before(async () => {
    f = await startHttp();
    const owner = await register(f);
    fan = await register(f);
    const c = await f.request<CommunityView>('POST', '/api/communities', {
      token: owner.accessToken,
      body: { slug: uniq('arc'), name: 'Archive' },
    });
    await f.request('POST', `/api/communities/${c.body.id}/join`, { token: fan.accessToken });
    room = (
      await f.request<{ rooms: RoomView[] }>('GET', `/api/communities/${c.body.id}/rooms`, {
        token: fan.accessToken,
      })
    ).body.rooms[0]!;
    empty = (
      await f.request<RoomView>('POST', `/api/communities/${c.body.id}/rooms`, {
        token: owner.accessToken,
        body: { name: 'quiet' },
      })
    ).body;
    const drafts = Array.from({ length: 25 }, (_, i) => ({
      id: randomUUID(),
      room: room.id,
      cid: `c${i + 1}`,
      user: { id: owner.user.id, name: owner.user.name, displayName: owner.user.displayName },
      role: 'owner' as const,
      priority: true,
      text: i === 0 ? "<b>hi</b> '; DROP TABLE messages;--" : `m${i + 1}`,
      ts: 1_800_000_000_000 + i,
    }));
    await f.store.messages.appendBatch(drafts);
  });
  after(async () => {
    await f.close();
  });

  const page = async (query: string) => {
    const res = await f.request<MessagePage>('GET', `/api/rooms/${room.id}/messages${query}`, {
      token: fan.accessToken,
    });
    assert.equal(res.status, 200, res.text);
    return res.body;
  };
  const texts = (p: MessagePage) => p.messages.map((m) => m.text);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `m${from + i}`);

  test('backwards from the newest page to the first', async () => {
    const newest = await page('?limit=10');
    assert.deepEqual(texts(newest), range(16, 25));
    assert.equal(newest.nextCursor, null);
    assert.notEqual(newest.prevCursor, null);
    const middle = await page(`?limit=10&before=${newest.prevCursor}`);
    assert.deepEqual(texts(middle), range(6, 15));
    assert.notEqual(middle.nextCursor, null);
    const first = await page(`?limit=10&before=${middle.prevCursor}`);
    assert.equal(first.messages.length, 5);
    assert.equal(first.messages[0]?.text, "<b>hi</b> '; DROP TABLE messages;--");
    assert.equal(first.prevCursor, null);
    assert.notEqual(first.nextCursor, null);
    // Positions are the stream's own, in order.
    assert.deepEqual(
      first.messages.map((m) => m.pos.offset),
      [1, 2, 3, 4, 5],
    );
  });

  test('forwards from the first page to the newest', async () => {
    const first = await page('?limit=10&after=0');
    assert.equal(first.messages[0]?.cid, 'c1');
    assert.equal(first.messages.length, 10);
    assert.equal(first.prevCursor, null);
    const second = await page(`?limit=10&after=${first.nextCursor}`);
    assert.deepEqual(texts(second), range(11, 20));
    assert.notEqual(second.prevCursor, null);
    const last = await page(`?limit=10&after=${second.nextCursor}`);
    assert.deepEqual(texts(last), range(21, 25));
    assert.equal(last.nextCursor, null);
    // Walking back from a forward page lands on the page before it.
    const back = await page(`?limit=10&before=${second.prevCursor}`);
    assert.deepEqual(texts(back).slice(-1), ['m10']);
  });

  test('the default page is the newest 50; an empty room has no cursors', async () => {
    const all = await page('');
    assert.equal(all.messages.length, 25);
    assert.equal(all.prevCursor, null);
    assert.equal(all.nextCursor, null);
    const res = await f.request<MessagePage>('GET', `/api/rooms/${empty.id}/messages`, {
      token: fan.accessToken,
    });
    assert.deepEqual(res.body, { messages: [], prevCursor: null, nextCursor: null });
  });

  test('bad paging parameters answer validation_failed', async () => {
    for (const q of ['?before=1&after=2', '?limit=0', '?limit=201', '?before=-1', '?after=abc']) {
      const res = await f.request('GET', `/api/rooms/${room.id}/messages${q}`, { token: fan.accessToken });
      assert.equal(res.status, 400, q);
      assert.equal(errorCode(res), 'validation_failed', q);
    }
  });
});
