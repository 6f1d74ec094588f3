/** Conformance cases of MessagesRepo: group commit, idempotent resends, archive, paging. */
import { describe } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '@lightstick/protocol';
import type { MessageDraft, Store } from '../../src/storage/repositories.ts';
import { draft, rejectsWith, seedRoom, uid } from './store.fixtures.ts';

type It = (name: string, fn: (store: Store) => Promise<void>) => void;

const positioned = (d: MessageDraft, epoch: string, offset: number): ChatMessage => ({
  ...d,
  pos: { epoch, offset },
});

export function messageConformance(it: It): void {
  describe('appendBatch', () => {
    it('gives consecutive offsets per room across batches, in array order', async (store) => {
      const a = await seedRoom(store, { epoch: 'ea' });
      const b = await seedRoom(store, { epoch: 'eb' });
      const batch1 = [draft(a.id), draft(b.id), draft(a.id)];
      const batch2 = [draft(b.id), draft(a.id), draft(b.id)];
      const r1 = await store.messages.appendBatch(batch1);
      const r2 = await store.messages.appendBatch(batch2);
      const pos = (rs: typeof r1) =>
        rs.map((r) => `${r.message.room === a.id ? 'a' : 'b'}:${r.message.pos.offset}`);
      assert.deepEqual(pos(r1), ['a:1', 'b:1', 'a:2']);
      assert.deepEqual(pos(r2), ['b:2', 'a:3', 'b:3']);
      assert.ok([...r1, ...r2].every((r) => r.duplicate === false));
      assert.deepEqual(r1[0]!.message, positioned(batch1[0]!, 'ea', 1));
      assert.deepEqual(r2[0]!.message, positioned(batch2[0]!, 'eb', 2));
      assert.deepEqual(await store.messages.lastPosition(a.id), { epoch: 'ea', offset: 3 });
      assert.deepEqual(await store.messages.lastPosition(b.id), { epoch: 'eb', offset: 3 });
      assert.equal(await store.messages.count(a.id), 3);
      assert.deepEqual(await store.messages.byClientId(a.id, 'u-fan', batch1[2]!.cid), r1[2]!.message);
      assert.deepEqual(await store.messages.appendBatch([]), []);
    });

    it('returns the stored message for a cid repeated within one batch and across batches', async (store) => {
      const r = await seedRoom(store);
      const first = draft(r.id, { cid: 'c-1', text: 'first' });
      const res = await store.messages.appendBatch([
        first,
        draft(r.id, { cid: 'c-1', text: 'again' }),
        draft(r.id),
      ]);
      assert.deepEqual(
        res.map((x) => [x.message.pos.offset, x.duplicate]),
        [
          [1, false],
          [1, true],
          [2, false],
        ],
      );
      assert.deepEqual(res[1]!.message, res[0]!.message);
      const later = await store.messages.appendBatch([
        draft(r.id, { cid: 'c-1', text: 'resend' }),
        draft(r.id),
      ]);
      assert.equal(later[0]!.duplicate, true);
      assert.deepEqual(later[0]!.message, positioned(first, 'e1', 1));
      assert.equal(later[1]!.message.pos.offset, 3);
      assert.equal(await store.messages.count(r.id), 3);
    });

    it('treats the same cid from another user or in another room as a new message', async (store) => {
      const a = await seedRoom(store);
      const b = await seedRoom(store);
      const other = { id: 'u-other', name: 'other', displayName: 'Other' };
      const res = await store.messages.appendBatch([
        draft(a.id, { cid: 'same' }),
        draft(a.id, { cid: 'same', user: other }),
        draft(b.id, { cid: 'same' }),
      ]);
      assert.deepEqual(
        res.map((x) => [x.message.pos.offset, x.duplicate]),
        [
          [1, false],
          [2, false],
          [1, false],
        ],
      );
    });

    it('keeps offsets consecutive over large and concurrent batches', async (store) => {
      const a = await seedRoom(store);
      const b = await seedRoom(store);
      const big = Array.from({ length: 1203 }, (_, i) => draft(i % 3 === 0 ? b.id : a.id));
      big.push(draft(a.id, { cid: big[2]!.cid })); // a resend of an early draft, in a later chunk
      const res = await store.messages.appendBatch(big);
      assert.equal(res.at(-1)!.duplicate, true);
      assert.deepEqual(res.at(-1)!.message, res[2]!.message);
      const batches = Array.from({ length: 6 }, () => [draft(a.id), draft(b.id), draft(a.id)]);
      await Promise.all(batches.map((batch) => store.messages.appendBatch(batch)));
      const expectA = 802 + 12;
      const expectB = 401 + 6;
      assert.deepEqual(await store.messages.lastPosition(a.id), { epoch: 'e1', offset: expectA });
      assert.deepEqual(await store.messages.lastPosition(b.id), { epoch: 'e1', offset: expectB });
      const offsets = (await store.messages.pageAfter(a.id, 0, 10_000)).map((m) => m.message.pos.offset);
      assert.deepEqual(
        offsets.toSorted((x, y) => x - y),
        Array.from({ length: expectA }, (_, i) => i + 1),
      );
    });

    it('refuses a batch naming an unknown room and stores none of it', async (store) => {
      const r = await seedRoom(store);
      await rejectsWith(store.messages.appendBatch([draft(r.id), draft('no-such-room')]), 'not_found');
      assert.equal(await store.messages.count(r.id), 0);
      assert.deepEqual(await store.messages.lastPosition(r.id), { epoch: 'e1', offset: 0 });
      await rejectsWith(store.messages.lastPosition('no-such-room'), 'not_found');
    });

    it('stores Korean, Japanese, emoji and SQL-looking text verbatim', async (store) => {
      const r = await seedRoom(store);
      const texts = [
        '스트레이 키즈 사랑해요 💜',
        'ストレイキッズ最高！',
        '👩🏽‍🎤🫶🏻✨ 🇰🇷',
        "'); DROP TABLE messages; --",
        'Robert"); DELETE FROM rooms WHERE 1=1; /* \\ % _ ? $1 :name',
      ];
      const drafts = texts.map((text) =>
        draft(r.id, { text, user: { id: 'u-한', name: '한지성', displayName: 'ハン 🐿️' } }),
      );
      await store.messages.appendBatch(drafts);
      const stored = await store.messages.latest(r.id, 10);
      assert.deepEqual(
        stored.map((m) => m.text),
        texts,
      );
      assert.deepEqual(stored[0]!.user, { id: 'u-한', name: '한지성', displayName: 'ハン 🐿️' });
      assert.ok(await store.rooms.byId(r.id));
    });
  });

  describe('paging', () => {
    it('pages before and after by seq, oldest first, and reads the latest', async (store) => {
      const r = await seedRoom(store);
      const noise = await seedRoom(store);
      for (let i = 0; i < 5; i++)
        await store.messages.appendBatch([draft(r.id, { text: `m${i}` }), draft(noise.id)]);
      const all = await store.messages.pageBefore(r.id, null, 100);
      assert.deepEqual(
        all.map((a) => a.message.text),
        ['m0', 'm1', 'm2', 'm3', 'm4'],
      );
      assert.ok(all.every((a, i) => i === 0 || a.seq > all[i - 1]!.seq));
      const seqs = all.map((a) => a.seq);
      const newest2 = await store.messages.pageBefore(r.id, null, 2);
      assert.deepEqual(
        newest2.map((a) => a.message.text),
        ['m3', 'm4'],
      );
      const older = await store.messages.pageBefore(r.id, newest2[0]!.seq, 2);
      assert.deepEqual(
        older.map((a) => a.message.text),
        ['m1', 'm2'],
      );
      assert.deepEqual(await store.messages.pageBefore(r.id, seqs[0]!, 2), []);
      const after = await store.messages.pageAfter(r.id, seqs[1]!, 2);
      assert.deepEqual(
        after.map((a) => a.message.text),
        ['m2', 'm3'],
      );
      assert.deepEqual(await store.messages.pageAfter(r.id, seqs[4]!, 2), []);
      assert.deepEqual(
        (await store.messages.latest(r.id, 3)).map((m) => m.text),
        ['m2', 'm3', 'm4'],
      );
      assert.deepEqual(await store.messages.latest(r.id, 0), []);
      assert.deepEqual(await store.messages.latest('empty', 5), []);
      assert.equal(await store.messages.count(r.id), 5);
      assert.equal(await store.messages.count('empty'), 0);
    });
  });

  describe('archiveBatch', () => {
    it('stores positioned messages once and moves the room position to the highest offset', async (store) => {
      const r = await seedRoom(store, { epoch: 'x1' });
      const msgs = [3, 1, 2].map((offset) => positioned(draft(r.id, { text: `o${offset}` }), 'x1', offset));
      await store.messages.archiveBatch(msgs);
      await store.messages.archiveBatch([...msgs, positioned(draft(r.id), 'x1', 4)]);
      await store.messages.archiveBatch([msgs[0]!]);
      await store.messages.archiveBatch([]);
      assert.equal(await store.messages.count(r.id), 4);
      assert.deepEqual(await store.messages.lastPosition(r.id), { epoch: 'x1', offset: 4 });
      assert.deepEqual(await store.messages.byClientId(r.id, 'u-fan', msgs[1]!.cid), msgs[1]);
      const latest = await store.messages.latest(r.id, 2);
      assert.deepEqual(
        latest.map((m) => m.pos.offset),
        [2, 4],
      );
    });

    it('follows the stream to a new epoch, and refuses an unknown room', async (store) => {
      const r = await seedRoom(store, { epoch: 'old' });
      await store.messages.archiveBatch([positioned(draft(r.id), 'old', 7)]);
      await store.messages.archiveBatch([
        positioned(draft(r.id), 'new', 1),
        positioned(draft(r.id), 'new', 2),
      ]);
      assert.deepEqual(await store.messages.lastPosition(r.id), { epoch: 'new', offset: 2 });
      assert.equal((await store.rooms.byId(r.id))?.epoch, 'new');
      const stray = positioned(draft('no-such-room', { cid: uid('c') }), 'e', 1);
      await rejectsWith(store.messages.archiveBatch([stray]), 'not_found');
    });
  });
}
