/**
 * Broker contract, run against every implementation (memory; Redis; Redis Cluster). The factory receives a
 * Runtime whose clock the suite moves by hand (age trimming, rate refills and dedup expiry without waiting).
 * Publication: per-room order, the publisher's own node included, only subscribed rooms, nothing after
 * unsubscribe, ephemeral events in order with messages, control routing. History: consecutive offsets from 1,
 * reads after a position, epoch change and trimmed entries detected, resume limit. One publish: dedup by
 * (room, user, cid), the send buckets taken all or none with retryAfterMs.
 * Interest counting is the node's job (the Hub): subscribe twice, unsubscribe once, and the room is gone.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { Broker, ControlMessage, PublishOptions } from '../../src/broker/broker.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { MessageDraft } from '../../src/storage/repositories.ts';
import { fakeClock, type FakeClock } from '../support/fake-clock.ts';

export interface BrokerFixture {
  /** A new node on the same network as the fixture's other nodes. */
  node(nodeId: string): Promise<Broker>;
  cleanup(): Promise<void>;
}

export type BrokerFactory = (runtime: Runtime) => Promise<BrokerFixture>;

export interface Recorder {
  pubs: { room: string; text: string; pos?: Position }[];
  controls: ControlMessage[];
}

const opts: PublishOptions = { history: { maxSize: 100, ttlMs: 60_000 }, dedupTtlMs: 60_000, maxBacklog: 0 };

function draft(room: string, text: string, o: { user?: string; cid?: string } = {}): MessageDraft {
  const user = o.user ?? 'u1';
  return {
    id: randomUUID(),
    room,
    cid: o.cid ?? randomUUID(),
    user: { id: user, name: user, displayName: user },
    role: 'fan',
    priority: false,
    text,
    ts: 0,
  };
}

/**
 * Starts a node and waits until it is ready. `start` gives up waiting for a slow subscriber connection after
 * its connect timeout and returns not ready (a gateway must come up while Redis is away); until the node is
 * ready it receives nothing, so a control message sent before then is lost (at most once). The suite used to
 * send right after `start`, and failed on a loaded machine where a cluster subscriber took longer than that.
 */
export async function started(broker: Broker): Promise<Recorder> {
  const rec: Recorder = { pubs: [], controls: [] };
  await broker.start({
    onPublication: (room, pub) => {
      if (pub.kind === 'message') rec.pubs.push({ room, text: pub.message.text, pos: pub.message.pos });
      else rec.pubs.push({ room, text: `event:${pub.json}` });
    },
    onControl: (msg) => rec.controls.push(msg),
  });
  await until(() => broker.ready(), 'the node to be ready', 60_000);
  return rec;
}

/** Waits (bounded) until `cond` holds; a deadline, not a timing assertion. */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const texts = (msgs: ChatMessage[] | undefined) => (msgs ?? []).map((m) => m.text);

export function brokerConformance(name: string, factory: BrokerFactory): void {
  describe(`Broker conformance: ${name}`, () => {
    /** A fresh fixture on a fake clock, a unique room, one started node `n1` with its recorder. */
    const withNode =
      (
        fn: (
          b: Broker,
          rec: Recorder,
          ctx: { fx: BrokerFixture; clock: FakeClock; room: string },
        ) => Promise<void>,
      ) =>
      async () => {
        const clock = fakeClock();
        const fx = await factory(clock);
        try {
          const b = await fx.node('n1');
          const rec = await started(b);
          await fn(b, rec, { fx, clock, room: `room-${randomUUID()}` });
        } finally {
          await fx.cleanup();
        }
      };

    test(
      'delivers the node its own publications, in publish order per room, with consecutive offsets from 1',
      withNode(async (b, rec, { room }) => {
        assert.equal(b.ready(), true);
        const a = `${room}-a`;
        const c = `${room}-b`;
        await b.subscribe([a, c]);
        const sent: string[] = [];
        for (let i = 0; i < 300; i++) {
          const r = i % 2 === 0 ? a : c;
          sent.push(`${r}:${i}`);
          await b.publish(draft(r, `${r}:${i}`), opts);
        }
        await until(() => rec.pubs.length === 300, 'all publications');
        for (const r of [a, c]) {
          const got = rec.pubs.filter((p) => p.room === r);
          assert.deepEqual(
            got.map((p) => p.text),
            sent.filter((t) => t.startsWith(`${r}:`)),
          );
          assert.deepEqual(
            got.map((p) => p.pos!.offset),
            Array.from({ length: 150 }, (_, i) => i + 1),
          );
        }
      }),
    );

    test(
      'keeps order for publications not awaited one by one; the answers give the positions',
      withNode(async (b, rec, { room }) => {
        await b.subscribe([room]);
        const words = Array.from({ length: 200 }, (_, i) => `m${i}`);
        const results = await Promise.all(words.map((t) => b.publish(draft(room, t), opts)));
        await until(() => rec.pubs.length === 200, 'all publications');
        assert.deepEqual(
          rec.pubs.map((p) => p.text),
          words,
        );
        assert.deepEqual(
          results.map((r) => r.message.pos.offset),
          words.map((_, i) => i + 1),
        );
        assert.ok(
          results.every((r) => !r.duplicate && r.message.pos.epoch === results[0]!.message.pos.epoch),
        );
      }),
    );

    test(
      'delivers only rooms the node subscribed to; nothing after unsubscribe',
      withNode(async (b, rec, { room }) => {
        await b.subscribe([room]);
        await b.subscribe([room]);
        await b.publish(draft(`${room}-other`, 'x'), opts);
        await b.publish(draft(room, 'before'), opts);
        await until(() => rec.pubs.length >= 1, 'the subscribed publication');
        await b.unsubscribe([room]);
        await b.publish(draft(room, 'while-away'), opts);
        // Subscribing again and seeing a later publication proves the one in between was never delivered.
        await b.subscribe([room]);
        await b.publish(draft(room, 'after'), opts);
        await until(() => rec.pubs.some((p) => p.text === 'after'), 'the publication after resubscribe');
        assert.deepEqual(
          rec.pubs.map((p) => p.text),
          ['before', 'after'],
        );
      }),
    );

    test(
      'a fresh read on a followed room gives the top of everything it delivered, as another node publishes',
      withNode(async (b, rec, { fx, room }) => {
        const other = await fx.node('n2');
        await started(other);
        await b.subscribe([room]);
        const continuity = b.continuity();
        assert.ok(continuity >= 0, 'connected: continuity is not negative');
        let published = 0;
        for (let i = 0; i < 20; i++) {
          published = (await other.publish(draft(room, `m${i}`), opts)).message.pos.offset;
          if (i % 3 === 0) await until(() => rec.pubs.length === i + 1, 'the follower heard it');
          const delivered = rec.pubs.at(-1)?.pos?.offset ?? 0;
          const read = await b.history(room, { limit: 10 });
          assert.equal(read.recoverable && read.messages.length, 0);
          // Never below what the node delivered (a fan joining now takes those as seen), never past what exists.
          assert.ok(read.top.offset >= delivered && read.top.offset <= published, `${read.top.offset}`);
          if (i % 3 === 0) assert.equal(read.top.offset, published);
        }
        assert.equal(b.continuity(), continuity, 'nothing was missed');
      }),
    );

    test(
      'a resume on a followed room gets exactly the messages after since, as another node publishes',
      withNode(async (b, rec, { fx, room }) => {
        const other = await fx.node('n2');
        await started(other);
        await b.subscribe([room]);
        const start = (await b.history(room, { limit: 10 })).top;
        const sent: string[] = [];
        for (let i = 0; i < 12; i++) {
          sent.push(`m${i}`);
          await other.publish(draft(room, `m${i}`), opts);
          if (i % 4 === 0) await until(() => rec.pubs.length === i + 1, 'the follower heard it');
          // From every point so far, also ones a message in flight has not reached yet.
          for (let from = start.offset; from <= start.offset + i + 1; from++) {
            const read = await b.history(room, { since: { ...start, offset: from }, limit: 1000 });
            assert.equal(read.recoverable, true, `from ${from}`);
            if (!read.recoverable) continue;
            const got = texts(read.messages);
            assert.deepEqual(got, sent.slice(from - start.offset, read.top.offset - start.offset));
            assert.deepEqual(
              read.messages.map((m) => m.pos.offset),
              got.map((_, k) => from + 1 + k),
            );
          }
        }
        const past = await b.history(room, { since: { ...start, offset: start.offset + 13 }, limit: 1000 });
        assert.equal(past.recoverable, false, 'past the top: reload');
        const limited = await b.history(room, { since: start, limit: 5 });
        assert.equal(limited.recoverable, false, 'more missed than the limit: reload');
      }),
    );

    test(
      'publications and events cross nodes, to every subscribed node once, events in order with messages',
      withNode(async (n3, rec3, { fx, room }) => {
        const n1 = await fx.node('n1b');
        const n2 = await fx.node('n2');
        const rec1 = await started(n1);
        const rec2 = await started(n2);
        await n1.subscribe([room]);
        await n2.subscribe([room]);
        const expected: string[] = [];
        for (let i = 0; i < 30; i++) {
          await n3.publish(draft(room, `m${i}`), opts);
          expected.push(`m${i}`);
          if (i % 10 === 0) {
            const json = JSON.stringify({ t: 'stats', room, viewers: i });
            await n3.publishEvent(room, { json, priority: i === 10 });
            expected.push(`event:${json}`);
          }
        }
        await until(() => rec1.pubs.length === 33 && rec2.pubs.length === 33, 'both subscribed nodes');
        for (const rec of [rec1, rec2]) {
          assert.deepEqual(
            rec.pubs.map((p) => p.text),
            expected,
          );
        }
        assert.equal(rec3.pubs.length, 0);
        // Events are not history.
        const all = await n3.history(room, {
          since: { epoch: rec1.pubs[0]!.pos!.epoch, offset: 0 },
          limit: 100,
        });
        assert.equal(all.recoverable && all.messages.length, 30);
      }),
    );

    test(
      'control messages reach one named node or all nodes',
      withNode(async (n1, rec1, { fx }) => {
        const n2 = await fx.node('n2');
        const rec2 = await started(n2);
        await n1.control({ type: 'kick', node: 'n2', data: { x: 1 } });
        await n1.control({ type: 'reload' });
        await until(() => rec2.controls.length === 2 && rec1.controls.length === 1, 'control messages');
        assert.deepEqual(
          rec2.controls.map((c) => c.type),
          ['kick', 'reload'],
        );
        assert.deepEqual(rec2.controls[0]!.data, { x: 1 });
        assert.deepEqual(
          rec1.controls.map((c) => c.type),
          ['reload'],
        );
      }),
    );

    test(
      'history: reads after a position, in order, with positions; top; a new room is at offset 0',
      withNode(async (b, _rec, { room }) => {
        const empty = await b.history(room, { limit: 100 });
        assert.equal(empty.top.offset, 0);
        for (let i = 1; i <= 5; i++) await b.publish(draft(room, `m${i}`), opts);
        const { top } = await b.history(room, { limit: 0 });
        assert.deepEqual(top, { epoch: empty.top.epoch, offset: 5 });
        const r = await b.history(room, { since: { epoch: top.epoch, offset: 2 }, limit: 100 });
        assert.equal(r.recoverable, true);
        assert.deepEqual(r.recoverable && texts(r.messages), ['m3', 'm4', 'm5']);
        assert.deepEqual(r.recoverable && r.messages.map((m) => m.pos.offset), [3, 4, 5]);
        assert.deepEqual(await b.history(room, { since: top, limit: 100 }), {
          recoverable: true,
          messages: [],
          top,
        });
        assert.deepEqual(await b.history(room, { limit: 100 }), { recoverable: true, messages: [], top });
        const fromStart = await b.history(room, { since: { epoch: top.epoch, offset: 0 }, limit: 100 });
        assert.deepEqual(fromStart.recoverable && texts(fromStart.messages), ['m1', 'm2', 'm3', 'm4', 'm5']);
        // Another epoch, or a position ahead of the stream: reload.
        assert.deepEqual(await b.history(room, { since: { epoch: 'another', offset: 1 }, limit: 100 }), {
          recoverable: false,
          top,
        });
        assert.equal(
          (await b.history(room, { since: { epoch: top.epoch, offset: 7 }, limit: 100 })).recoverable,
          false,
        );
        // More than `limit` missing.
        assert.equal(
          (await b.history(room, { since: { epoch: top.epoch, offset: 1 }, limit: 3 })).recoverable,
          false,
        );
        // Rooms are independent.
        await b.publish(draft(`${room}-b`, 'b1'), opts);
        assert.equal((await b.history(`${room}-b`, { limit: 0 })).top.offset, 1);
      }),
    );

    test(
      'history: trims by size and by age (clock moved by hand); an idle room starts a new epoch',
      withNode(async (b, _rec, { clock, room }) => {
        const small = { ...opts, history: { maxSize: 5, ttlMs: 60_000 } };
        for (let i = 1; i <= 12; i++) await b.publish(draft(room, `m${i}`), small);
        const { top } = await b.history(room, { limit: 0 });
        assert.equal(
          (await b.history(room, { since: { epoch: top.epoch, offset: 6 }, limit: 100 })).recoverable,
          false,
        );
        const kept = await b.history(room, { since: { epoch: top.epoch, offset: 7 }, limit: 100 });
        assert.deepEqual(kept.recoverable && texts(kept.messages), ['m8', 'm9', 'm10', 'm11', 'm12']);

        const aged = `${room}-aged`;
        const short = { ...opts, history: { maxSize: 100, ttlMs: 1000 } };
        for (let i = 1; i <= 3; i++) await b.publish(draft(aged, `old${i}`), short);
        clock.advance(600);
        for (let i = 1; i <= 2; i++) await b.publish(draft(aged, `new${i}`), short);
        clock.advance(500);
        const at = (await b.history(aged, { limit: 0 })).top;
        assert.equal(at.offset, 5);
        assert.equal(
          (await b.history(aged, { since: { epoch: at.epoch, offset: 2 }, limit: 100 })).recoverable,
          false,
        );
        const fresh = await b.history(aged, { since: { epoch: at.epoch, offset: 3 }, limit: 100 });
        assert.deepEqual(fresh.recoverable && texts(fresh.messages), ['new1', 'new2']);

        clock.advance(5000);
        const idle = await b.history(aged, { since: at, limit: 100 });
        assert.equal(idle.recoverable, false);
        assert.notEqual(idle.top.epoch, at.epoch);
      }),
    );

    test(
      'a resend of a known (room, user, cid) returns the stored message, stored and published once',
      withNode(async (b, rec, { clock, room }) => {
        await b.subscribe([room]);
        const first = await b.publish(draft(room, 'hello', { cid: 'c1' }), opts);
        const again = await b.publish(draft(room, 'hello (resent)', { cid: 'c1' }), opts);
        assert.equal(again.duplicate, true);
        assert.deepEqual(again.message, first.message);
        const other = await b.publish(draft(room, 'hi', { cid: 'c1', user: 'u2' }), opts);
        assert.equal(other.duplicate, false);
        assert.equal(other.message.pos.offset, 2);
        // Past the dedup window the cid is new again.
        clock.advance(opts.dedupTtlMs + 1);
        const later = await b.publish(draft(room, 'much later', { cid: 'c1' }), opts);
        assert.equal(later.duplicate, false);
        await until(() => rec.pubs.length === 3, 'three publications');
        assert.deepEqual(
          rec.pubs.map((p) => p.text),
          ['hello', 'hi', 'much later'],
        );
      }),
    );

    test(
      'send buckets: per (user, room) and the room ceiling, taken all or none, refused with retryAfterMs',
      withNode(async (b, _rec, { clock, room }) => {
        const rate = {
          user: { ratePerSecond: 0.001, burst: 2 },
          room: { ratePerSecond: 1, burst: 2 },
        };
        const send = (user: string, text: string, cid?: string) =>
          b.publish(draft(room, text, { user, ...(cid ? { cid } : {}) }), { ...opts, rate });
        await send('a', 'a1', 'a1');
        await send('b', 'b1');
        // The room is empty: refused, and a's own bucket keeps its token.
        await assert.rejects(send('a', 'a2'), (err: { code: string; retryAfterMs: number }) => {
          assert.equal(err.code, 'rate_limited');
          assert.equal(err.retryAfterMs, 1000);
          return true;
        });
        // A resend of a stored message is answered even now: nothing is taken.
        assert.equal((await send('a', 'a1', 'a1')).duplicate, true);
        clock.advance(1000);
        await send('a', 'a2');
        clock.advance(1000);
        // Now a's own bucket is empty (it refills very slowly): refused by it with its long wait.
        await assert.rejects(send('a', 'a3'), (err: { code: string; retryAfterMs: number }) => {
          assert.equal(err.code, 'rate_limited');
          assert.ok(err.retryAfterMs > 100_000, String(err.retryAfterMs));
          return true;
        });
        // Another room has its own buckets; the room's history holds only what was accepted.
        await b.publish(draft(`${room}-2`, 'elsewhere', { user: 'a' }), { ...opts, rate });
        const { top } = await b.history(room, { limit: 0 });
        const all = await b.history(room, { since: { epoch: top.epoch, offset: 0 }, limit: 100 });
        assert.deepEqual(all.recoverable && texts(all.messages), ['a1', 'b1', 'a2']);
      }),
    );

    test(
      'after close it is not ready and publish is refused with unavailable',
      withNode(async (b, _rec, { room }) => {
        await b.close();
        assert.equal(b.ready(), false);
        await assert.rejects(b.publish(draft(room, 'x'), opts), { code: 'unavailable' });
      }),
    );
  });
}
