/**
 * The Broker conformance suite over the in-process broker (nodes sharing one MemoryBus), and what only the
 * embedded mode uses: positions adopted from the archive, seeding from the archive, and admission (dedup and
 * send buckets) before the archive.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChatMessage, Position } from '@lightstick/protocol';
import { MemoryBroker, MemoryBus } from '../../src/broker/memory.ts';
import type { Broker } from '../../src/broker/broker.ts';
import { brokerConformance } from './broker.suite.ts';
import { fakeClock } from '../support/fake-clock.ts';

brokerConformance('memory', async (runtime) => {
  const bus = new MemoryBus(runtime);
  const nodes: Broker[] = [];
  return {
    async node(nodeId) {
      const b = new MemoryBroker({ nodeId, bus });
      nodes.push(b);
      return b;
    },
    async cleanup() {
      await Promise.all(nodes.map((n) => n.close()));
    },
  };
});

const history = { maxSize: 100, ttlMs: 60_000 };

function positioned(room: string, text: string, pos: Position, ts = 0): ChatMessage {
  return {
    id: randomUUID(),
    room,
    pos,
    cid: text,
    user: { id: 'u1', name: 'stay', displayName: 'Stay' },
    role: 'fan',
    priority: false,
    text,
    ts,
  };
}

describe('MemoryBroker as the embedded archive uses it', () => {
  test('adopts positions given by the archive, and refuses one out of step', async () => {
    const b = new MemoryBroker({ bus: new MemoryBus(fakeClock()) });
    const room = `room-${randomUUID()}`;
    const got: string[] = [];
    await b.start({
      onPublication: (_r, p) => void (p.kind === 'message' && got.push(p.message.text)),
      onControl: () => {},
    });
    await b.subscribe([room]);
    await b.publishAt(positioned(room, 'a', { epoch: 'arch', offset: 41 }), { history, dedupTtlMs: 1000 });
    await b.publishAt(positioned(room, 'b', { epoch: 'arch', offset: 42 }), { history, dedupTtlMs: 1000 });
    assert.deepEqual((await b.history(room, { limit: 0 })).top, { epoch: 'arch', offset: 42 });
    for (const [text, pos] of [
      ['gap', { epoch: 'arch', offset: 44 }],
      ['again', { epoch: 'arch', offset: 42 }],
      ['other', { epoch: 'x', offset: 43 }],
    ] as const) {
      await assert.rejects(b.publishAt(positioned(room, text, pos), { history, dedupTtlMs: 1000 }), {
        code: 'conflict',
      });
    }
    const r = await b.history(room, { since: { epoch: 'arch', offset: 41 }, limit: 10 });
    assert.deepEqual(r.recoverable && r.messages.map((m) => m.text), ['b']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, ['a', 'b']);
    await b.close();
  });

  test('seed loads an epoch and the last messages; appends continue after it', async () => {
    const clock = fakeClock();
    const b = new MemoryBroker({ bus: new MemoryBus(clock) });
    const room = `room-${randomUUID()}`;
    const msgs = [8, 9, 10].map((o) => positioned(room, `s${o}`, { epoch: 'E', offset: o }, clock.now()));
    await b.seed(room, 'E', msgs, 10);
    assert.deepEqual((await b.history(room, { limit: 0 })).top, { epoch: 'E', offset: 10 });
    const r = await b.history(room, { since: { epoch: 'E', offset: 7 }, limit: 100 });
    assert.deepEqual(r.recoverable && r.messages.map((m) => m.text), ['s8', 's9', 's10']);
    assert.equal(
      (await b.history(room, { since: { epoch: 'E', offset: 5 }, limit: 100 })).recoverable,
      false,
    );
    await b.publishAt(positioned(room, 'n', { epoch: 'E', offset: 11 }), { history, dedupTtlMs: 1000 });
    assert.deepEqual((await b.history(room, { limit: 0 })).top, { epoch: 'E', offset: 11 });
    const empty = `room-${randomUUID()}`;
    await b.seed(empty, 'F', [], 0);
    assert.deepEqual((await b.history(empty, { limit: 0 })).top, { epoch: 'F', offset: 0 });
    await b.close();
  });

  test('admit answers a resend of a published message and takes the send buckets otherwise', async () => {
    const clock = fakeClock();
    const b = new MemoryBroker({ bus: new MemoryBus(clock) });
    const room = `room-${randomUUID()}`;
    const stored = positioned(room, 'hello', { epoch: 'E', offset: 1 });
    await b.publishAt(stored, { history, dedupTtlMs: 5000 });
    const { pos: _pos, ...draft } = stored;
    assert.deepEqual(b.admit({ ...draft, id: 'other-id' }, undefined), { message: stored, duplicate: true });
    const rate = { user: { ratePerSecond: 1, burst: 1 } };
    assert.equal(b.admit({ ...draft, cid: 'new' }, rate), undefined);
    assert.throws(() => b.admit({ ...draft, cid: 'newer' }, rate), { code: 'rate_limited' });
    clock.advance(5001);
    assert.equal(b.admit({ ...draft, id: 'x' }, undefined), undefined, 'the dedup window is over');
    await b.close();
  });
});
