/**
 * Broker contract, run against every implementation. Tests only what the interface promises: per-channel
 * order, own publications delivered, only subscribed channels, nothing after unsubscribe, control routing.
 * Interest counting is the node's job (the Hub): subscribe twice, unsubscribe once, and the channel is gone.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '@lightstick/protocol';
import type { Broker, ControlMessage, Publication } from '../../src/broker/broker.ts';

export interface BrokerFixture {
  /** A new node on the same network as the fixture's other nodes. */
  node(nodeId: string): Promise<Broker>;
  cleanup(): Promise<void>;
}

interface Recorder {
  pubs: { channel: string; text: string }[];
  controls: ControlMessage[];
}

function message(channel: string, text: string): Publication {
  const m: ChatMessage = {
    id: text,
    room: channel,
    pos: { epoch: 'e', offset: 0 },
    cid: text,
    user: { id: 'u', name: 'u', displayName: 'U' },
    role: 'fan',
    priority: false,
    text,
    ts: 0,
  };
  return { kind: 'message', message: m };
}

async function started(fx: BrokerFixture, nodeId: string): Promise<{ broker: Broker; rec: Recorder }> {
  const broker = await fx.node(nodeId);
  const rec: Recorder = { pubs: [], controls: [] };
  await broker.start({
    onPublication: (channel, pub) => rec.pubs.push({ channel, text: pub.message.text }),
    onControl: (msg) => rec.controls.push(msg),
  });
  return { broker, rec };
}

/** Waits (bounded) until `cond` holds; a deadline, not a timing assertion. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function brokerConformance(name: string, factory: () => Promise<BrokerFixture>): void {
  describe(`Broker conformance: ${name}`, () => {
    const withFixture = (fn: (fx: BrokerFixture) => Promise<void>) => async () => {
      const fx = await factory();
      try {
        await fn(fx);
      } finally {
        await fx.cleanup();
      }
    };

    test(
      'delivers the node its own publications, in publish order per channel',
      withFixture(async (fx) => {
        const { broker, rec } = await started(fx, 'n1');
        assert.equal(broker.ready(), true);
        await broker.subscribe(['a', 'b']);
        const sent: string[] = [];
        for (let i = 0; i < 500; i++) {
          const ch = i % 2 === 0 ? 'a' : 'b';
          sent.push(`${ch}${i}`);
          await broker.publish(ch, message(ch, `${ch}${i}`));
        }
        await until(() => rec.pubs.length === 500, 'all publications');
        for (const ch of ['a', 'b']) {
          const got = rec.pubs.filter((p) => p.channel === ch).map((p) => p.text);
          assert.deepEqual(
            got,
            sent.filter((t) => t.startsWith(ch)),
          );
        }
      }),
    );

    test(
      'keeps order for publications not awaited one by one',
      withFixture(async (fx) => {
        const { broker, rec } = await started(fx, 'n1');
        await broker.subscribe(['a']);
        const texts = Array.from({ length: 200 }, (_, i) => `m${i}`);
        await Promise.all(texts.map((t) => broker.publish('a', message('a', t))));
        await until(() => rec.pubs.length === 200, 'all publications');
        assert.deepEqual(
          rec.pubs.map((p) => p.text),
          texts,
        );
      }),
    );

    test(
      'delivers only channels the node subscribed to',
      withFixture(async (fx) => {
        const { broker, rec } = await started(fx, 'n1');
        await broker.subscribe(['a']);
        await broker.publish('other', message('other', 'x'));
        await broker.publish('a', message('a', 'y'));
        await until(() => rec.pubs.length >= 1, 'the subscribed publication');
        assert.deepEqual(rec.pubs, [{ channel: 'a', text: 'y' }]);
      }),
    );

    test(
      'delivers nothing after unsubscribe; one unsubscribe ends even a doubled subscribe',
      withFixture(async (fx) => {
        const { broker, rec } = await started(fx, 'n1');
        await broker.subscribe(['a']);
        await broker.subscribe(['a']);
        await broker.publish('a', message('a', 'before'));
        await until(() => rec.pubs.length === 1, 'the first publication');
        await broker.unsubscribe(['a']);
        await broker.publish('a', message('a', 'while-away'));
        // Subscribing again and seeing a later publication proves the one in between was never delivered.
        await broker.subscribe(['a']);
        await broker.publish('a', message('a', 'after'));
        await until(() => rec.pubs.some((p) => p.text === 'after'), 'the publication after resubscribe');
        assert.deepEqual(
          rec.pubs.map((p) => p.text),
          ['before', 'after'],
        );
      }),
    );

    test(
      'publications cross nodes, to every subscribed node once',
      withFixture(async (fx) => {
        const n1 = await started(fx, 'n1');
        const n2 = await started(fx, 'n2');
        const n3 = await started(fx, 'n3');
        await n1.broker.subscribe(['room']);
        await n2.broker.subscribe(['room']);
        for (let i = 0; i < 50; i++) await n3.broker.publish('room', message('room', `m${i}`));
        await until(() => n1.rec.pubs.length === 50 && n2.rec.pubs.length === 50, 'both subscribed nodes');
        const expected = Array.from({ length: 50 }, (_, i) => `m${i}`);
        assert.deepEqual(
          n1.rec.pubs.map((p) => p.text),
          expected,
        );
        assert.deepEqual(
          n2.rec.pubs.map((p) => p.text),
          expected,
        );
        assert.equal(n3.rec.pubs.length, 0);
      }),
    );

    test(
      'control messages reach one named node or all nodes',
      withFixture(async (fx) => {
        const n1 = await started(fx, 'n1');
        const n2 = await started(fx, 'n2');
        await n1.broker.control({ type: 'kick', node: 'n2', data: { x: 1 } });
        await n1.broker.control({ type: 'reload' });
        await until(() => n2.rec.controls.length === 2 && n1.rec.controls.length === 1, 'control messages');
        assert.deepEqual(
          n2.rec.controls.map((c) => c.type),
          ['kick', 'reload'],
        );
        assert.deepEqual(n2.rec.controls[0]!.data, { x: 1 });
        assert.deepEqual(
          n1.rec.controls.map((c) => c.type),
          ['reload'],
        );
      }),
    );

    test(
      'after close it is not ready and publish is refused with unavailable',
      withFixture(async (fx) => {
        const { broker } = await started(fx, 'n1');
        await broker.close();
        assert.equal(broker.ready(), false);
        await assert.rejects(broker.publish('a', message('a', 'x')), { code: 'unavailable' });
      }),
    );
  });
}
