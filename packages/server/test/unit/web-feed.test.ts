/**
 * The web app's message window (packages/web/src/room/feed.ts): bounded while following, counted while the
 * fan reads back, memory capped, and a gap that sends the fan to the archive from where they were.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage, MessagePage } from '@lightstick/protocol';
import { Feed, LIVE_WINDOW, MEMORY_MAX, READ_WINDOW } from '../../../web/src/room/feed.ts';

let offset = 0;
function msg(text = `m${offset + 1}`): ChatMessage {
  offset++;
  return {
    id: `id-${offset}`,
    room: 'r1',
    text,
    ts: 1_700_000_000_000 + offset,
    pos: { epoch: 'e', offset },
    user: { id: 'u1', name: 'fan', displayName: 'Fan' },
    role: 'fan',
    priority: false,
  } as unknown as ChatMessage;
}
const many = (n: number) => Array.from({ length: n }, () => msg());
const page = (messages: ChatMessage[], prevCursor: number | null = 7): MessagePage => ({
  messages,
  prevCursor,
  nextCursor: null,
});

describe('web feed', () => {
  test('following the live end draws at most LIVE_WINDOW messages, each once', () => {
    const f = new Feed();
    f.reset(page(many(50)));
    for (let i = 0; i < 30; i++) f.live(many(100));
    const v = f.view.value;
    assert.equal(v.entries.length, LIVE_WINDOW);
    assert.equal(v.following, true);
    assert.equal(v.unseen, 0);
    const last = v.entries.at(-1)!;
    f.live([last.kind === 'msg' ? last.m : msg()]); // a duplicate is not drawn again
    assert.equal(f.view.value.entries.at(-1)!.id, last.id);
    assert.ok(f.size <= MEMORY_MAX);
  });

  test('reading back keeps the window and counts what arrives; the jump follows again', () => {
    const f = new Feed();
    f.reset(page(many(100)));
    f.leaveBottom();
    const before = f.view.value.entries.map((e) => e.id);
    f.live(many(12));
    assert.deepEqual(
      f.view.value.entries.map((e) => e.id),
      before,
    );
    assert.equal(f.view.value.unseen, 12);
    assert.equal(f.needsReload, false);
    f.jumpToEnd();
    assert.equal(f.view.value.following, true);
    assert.equal(f.view.value.entries.at(-1)!.id, `id-${offset}`);
  });

  test('scrolling up draws older kept entries within READ_WINDOW, then asks the archive', () => {
    const f = new Feed();
    f.reset(page(many(50), 42));
    for (let i = 0; i < 10; i++) f.live(many(100));
    while (f.atTop()) assert.ok(f.view.value.entries.length <= READ_WINDOW);
    assert.equal(f.olderCursor, 42, 'all kept since the first page: the archive goes on from its cursor');
    const trimmed = new Feed();
    trimmed.reset(page(many(50), 42));
    trimmed.live(many(MEMORY_MAX));
    while (trimmed.atTop());
    assert.equal(trimmed.olderCursor, null, 'memory was trimmed: the archive cursor is not known');
    const g = new Feed();
    g.reset(page(many(50), 42));
    assert.equal(g.atTop(), false);
    assert.equal(g.olderCursor, 42);
    g.prepend(page(many(50), null));
    assert.equal(g.view.value.startOfRoom, true);
  });

  test('more than memory keeps while reading back: counted, and the way back reloads', () => {
    const f = new Feed();
    f.reset(page(many(50)));
    f.leaveBottom();
    f.live(many(MEMORY_MAX + 100));
    assert.ok(f.size <= MEMORY_MAX);
    assert.equal(f.needsReload, true);
    assert.ok(f.view.value.unseen >= MEMORY_MAX + 100 - MEMORY_MAX);
  });

  test('a gap: the notice carries the count, and the archive reading starts at the old anchor', () => {
    const f = new Feed();
    f.reset(page(many(50), 99));
    f.reset(page(many(50), 5000), 1234);
    assert.equal(f.view.value.missed, 1234);
    assert.equal(f.anchor, 99);
    f.enterArchive({ messages: many(200), prevCursor: 99, nextCursor: 300 });
    assert.equal(f.view.value.archive, true);
    assert.equal(f.view.value.missed, null);
    f.live(many(5)); // live while reading the archive: counted, read from the archive later
    assert.equal(f.view.value.unseen, 5);
  });
});
