/**
 * HistoryStore contract, run against every implementation. The factory receives a Runtime whose clock the
 * suite moves by hand (age trimming without waiting). Checks: consecutive offsets from 1, positions adopted
 * from the archive, reads after a position, epoch change and trimmed entries detected, resume limit, seeding.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { Runtime } from '../../src/runtime.ts';
import type { HistoryOptions, HistoryStore } from '../../src/history/history-store.ts';

export { fakeClock, type FakeClock } from '../support/fake-clock.ts';
import { withClockedStore, type FakeClock } from '../support/fake-clock.ts';

export type HistoryFactory = (runtime: Runtime) => Promise<{ store: HistoryStore; cleanup(): Promise<void> }>;

const opts: HistoryOptions = { maxSize: 100, ttlMs: 60_000 };

/** A message without a position: the store assigns one. */
function draft(room: string, text: string, ts = 0): ChatMessage {
  return {
    id: randomUUID(),
    room,
    cid: text,
    user: { id: 'u1', name: 'stay', displayName: 'Stay' },
    role: 'fan',
    priority: false,
    text,
    ts,
  } as Omit<ChatMessage, 'pos'> as ChatMessage;
}

function positioned(room: string, text: string, pos: Position, ts = 0): ChatMessage {
  return { ...draft(room, text, ts), pos };
}

const texts = (r: { messages?: ChatMessage[] }) => (r.messages ?? []).map((m) => m.text);

export function historyConformance(name: string, factory: HistoryFactory): void {
  describe(`HistoryStore conformance: ${name}`, () => {
    const withStore = (fn: (h: HistoryStore, clock: FakeClock, room: string) => Promise<void>) =>
      withClockedStore(factory, fn);

    test(
      'assigns consecutive offsets from 1 in one epoch; top follows',
      withStore(async (h, _c, room) => {
        const empty = await h.top(room);
        assert.equal(empty.offset, 0);
        const positions: Position[] = [];
        for (let i = 0; i < 5; i++) positions.push(await h.append(room, draft(room, `m${i}`), opts));
        assert.deepEqual(
          positions.map((p) => p.offset),
          [1, 2, 3, 4, 5],
        );
        assert.ok(positions.every((p) => p.epoch === empty.epoch));
        assert.deepEqual(await h.top(room), { epoch: empty.epoch, offset: 5 });
      }),
    );

    test(
      'reads the messages after a position, in order, with their positions',
      withStore(async (h, _c, room) => {
        for (let i = 1; i <= 5; i++) await h.append(room, draft(room, `m${i}`), opts);
        const top = await h.top(room);
        const r = await h.read(room, { since: { epoch: top.epoch, offset: 2 }, limit: 100 });
        assert.equal(r.recoverable, true);
        assert.deepEqual(texts(r as { messages: ChatMessage[] }), ['m3', 'm4', 'm5']);
        assert.deepEqual(r.recoverable && r.messages.map((m) => m.pos.offset), [3, 4, 5]);
        assert.deepEqual(r.top, top);
        const none = await h.read(room, { since: top, limit: 100 });
        assert.deepEqual(none, { recoverable: true, messages: [], top });
        const noSince = await h.read(room, { limit: 100 });
        assert.deepEqual(noSince, { recoverable: true, messages: [], top });
        const fromStart = await h.read(room, { since: { epoch: top.epoch, offset: 0 }, limit: 100 });
        assert.deepEqual(texts(fromStart as { messages: ChatMessage[] }), ['m1', 'm2', 'm3', 'm4', 'm5']);
      }),
    );

    test(
      'a position from another epoch is not recoverable',
      withStore(async (h, _c, room) => {
        await h.append(room, draft(room, 'a'), opts);
        const top = await h.top(room);
        const r = await h.read(room, { since: { epoch: 'another-epoch', offset: 1 }, limit: 100 });
        assert.deepEqual(r, { recoverable: false, top });
      }),
    );

    test(
      'a position ahead of the stream is not recoverable',
      withStore(async (h, _c, room) => {
        await h.append(room, draft(room, 'a'), opts);
        const top = await h.top(room);
        const r = await h.read(room, { since: { epoch: top.epoch, offset: 7 }, limit: 100 });
        assert.equal(r.recoverable, false);
      }),
    );

    test(
      'trims by size: a position before the kept window is not recoverable',
      withStore(async (h, _c, room) => {
        const small = { maxSize: 5, ttlMs: 60_000 };
        for (let i = 1; i <= 12; i++) await h.append(room, draft(room, `m${i}`), small);
        const top = await h.top(room);
        assert.equal(
          (await h.read(room, { since: { epoch: top.epoch, offset: 6 }, limit: 100 })).recoverable,
          false,
        );
        const kept = await h.read(room, { since: { epoch: top.epoch, offset: 7 }, limit: 100 });
        assert.deepEqual(texts(kept as { messages: ChatMessage[] }), ['m8', 'm9', 'm10', 'm11', 'm12']);
      }),
    );

    test(
      'trims by age (clock moved by hand)',
      withStore(async (h, clock, room) => {
        const aged = { maxSize: 100, ttlMs: 1000 };
        for (let i = 1; i <= 3; i++) await h.append(room, draft(room, `old${i}`), aged);
        clock.advance(600);
        for (let i = 1; i <= 2; i++) await h.append(room, draft(room, `new${i}`), aged);
        clock.advance(500);
        const top = await h.top(room);
        assert.equal(top.offset, 5);
        assert.equal(
          (await h.read(room, { since: { epoch: top.epoch, offset: 2 }, limit: 100 })).recoverable,
          false,
        );
        const fresh = await h.read(room, { since: { epoch: top.epoch, offset: 3 }, limit: 100 });
        assert.deepEqual(texts(fresh as { messages: ChatMessage[] }), ['new1', 'new2']);
      }),
    );

    test(
      'more than `limit` missing is not recoverable',
      withStore(async (h, _c, room) => {
        for (let i = 1; i <= 20; i++) await h.append(room, draft(room, `m${i}`), opts);
        const { epoch } = await h.top(room);
        assert.equal((await h.read(room, { since: { epoch, offset: 5 }, limit: 10 })).recoverable, false);
        const ok = await h.read(room, { since: { epoch, offset: 10 }, limit: 10 });
        assert.equal(ok.recoverable && ok.messages.length, 10);
      }),
    );

    test(
      'adopts positions given by the archive, and refuses one out of step',
      withStore(async (h, _c, room) => {
        const p1 = await h.append(room, positioned(room, 'a', { epoch: 'arch', offset: 41 }), opts);
        assert.deepEqual(p1, { epoch: 'arch', offset: 41 });
        await h.append(room, positioned(room, 'b', { epoch: 'arch', offset: 42 }), opts);
        assert.deepEqual(await h.top(room), { epoch: 'arch', offset: 42 });
        await assert.rejects(h.append(room, positioned(room, 'gap', { epoch: 'arch', offset: 44 }), opts));
        await assert.rejects(h.append(room, positioned(room, 'again', { epoch: 'arch', offset: 42 }), opts));
        await assert.rejects(h.append(room, positioned(room, 'other', { epoch: 'x', offset: 43 }), opts));
        const r = await h.read(room, { since: { epoch: 'arch', offset: 41 }, limit: 10 });
        assert.deepEqual(texts(r as { messages: ChatMessage[] }), ['b']);
      }),
    );

    test(
      'seed loads an epoch and the last messages; appends continue after it',
      withStore(async (h, clock, room) => {
        const now = clock.now();
        const msgs = [8, 9, 10].map((o) => positioned(room, `s${o}`, { epoch: 'E', offset: o }, now));
        await h.seed(room, 'E', msgs, 10);
        assert.deepEqual(await h.top(room), { epoch: 'E', offset: 10 });
        const r = await h.read(room, { since: { epoch: 'E', offset: 7 }, limit: 100 });
        assert.deepEqual(texts(r as { messages: ChatMessage[] }), ['s8', 's9', 's10']);
        assert.equal(
          (await h.read(room, { since: { epoch: 'E', offset: 5 }, limit: 100 })).recoverable,
          false,
        );
        assert.deepEqual(await h.append(room, positioned(room, 'n', { epoch: 'E', offset: 11 }), opts), {
          epoch: 'E',
          offset: 11,
        });
        const empty = `room-${randomUUID()}`;
        await h.seed(empty, 'F', [], 0);
        assert.deepEqual(await h.top(empty), { epoch: 'F', offset: 0 });
      }),
    );

    test(
      'channels are independent',
      withStore(async (h, _c, room) => {
        const other = `${room}-b`;
        await h.append(room, draft(room, 'a1'), opts);
        await h.append(other, draft(other, 'b1'), opts);
        await h.append(room, draft(room, 'a2'), opts);
        assert.equal((await h.top(room)).offset, 2);
        assert.equal((await h.top(other)).offset, 1);
      }),
    );

    test(
      'a channel idle past its ttl cannot resume from its old position',
      withStore(async (h, clock, room) => {
        const short = { maxSize: 100, ttlMs: 1000 };
        await h.append(room, draft(room, 'a'), short);
        const top = await h.top(room);
        clock.advance(5000);
        const r = await h.read(room, { since: top, limit: 100 });
        assert.equal(r.recoverable, false);
      }),
    );
  });
}
