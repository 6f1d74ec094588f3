import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expandMessages,
  type ChatMessage,
  type MessagesFrame,
  type RoomMessages,
} from '@lightstick/protocol';
import { RoomFlush, RoomOutbox, type Subscriber } from '../../src/gateway/outbox.ts';
import { prepare, type Connection, type PreparedFrame } from '../../src/gateway/connection.ts';
import { msgsFrameText } from '../../src/gateway/message-texts.ts';
import { testMetrics } from './chat-support.ts';
import { chatMessage } from '../support/hub-fixtures.ts';

/** A Connection that records what it was given, with a settable send buffer. */
class RecordingConnection implements Connection {
  readonly written: PreparedFrame[] = [];
  closedWith: number | undefined;
  constructor(
    readonly id: string,
    public buffered = 0,
  ) {}
  get open() {
    return this.closedWith === undefined;
  }
  write(f: PreparedFrame) {
    this.written.push(f);
  }
  writeMany(fs: readonly PreparedFrame[]) {
    for (const f of fs) this.write(f);
  }
  bufferedAmount() {
    return this.buffered;
  }
  close(code: number) {
    this.closedWith = code;
  }
}

const member = (conn: Connection, hold?: PreparedFrame[]): Subscriber => ({
  connection: conn,
  held: () => hold,
});

let offset = 0;
const msg = (priority: boolean): ChatMessage => chatMessage(++offset, { room: 'r', priority });

const limits = { softBufferBytes: 1000, hardBufferBytes: 5000 };
/** A written `msgs` frame, its messages whole again (as the SDK reads it). */
const parse = (f: PreparedFrame) => expandMessages(JSON.parse(f.bytes.toString('utf8')) as MessagesFrame);

function setup(receivedAt?: (id: string) => number | undefined) {
  const metrics = testMetrics();
  let serialisations = 0;
  const serialize = (f: RoomMessages) => {
    serialisations++;
    return msgsFrameText(f);
  };
  const outbox = new RoomOutbox('r', { metrics, limits, serialize, ...(receivedAt ? { receivedAt } : {}) });
  return { outbox, metrics, count: () => serialisations };
}

describe('RoomOutbox', () => {
  test('one tick = one msgs frame, serialised once, the same bytes written to every socket', () => {
    const { outbox, count } = setup();
    const conns = Array.from({ length: 50 }, (_, i) => new RecordingConnection(`c${i}`));
    const sent = [msg(false), msg(true), msg(false)];
    for (const m of sent) outbox.push(m);
    outbox.flush(conns.map((c) => member(c)));
    assert.equal(count(), 1);
    const first = conns[0]!.written[0]!;
    for (const c of conns) {
      assert.equal(c.written.length, 1);
      // The very same prepared frame and Buffer instance: no per-socket copy or serialisation.
      assert.equal(c.written[0], first);
      assert.equal(c.written[0]!.bytes, first.bytes);
    }
    const frame = parse(first);
    assert.equal(frame.t, 'msgs');
    assert.equal(frame.room, 'r');
    assert.deepEqual(frame.msgs, sent);
    assert.deepEqual(frame.upto, sent[2]!.pos);
    assert.equal(frame.skipped, undefined);
  });

  test('slow sockets share ONE thinned frame: priority messages only, skipped count, same upto', async () => {
    const { outbox, metrics, count } = setup();
    const fast = [new RecordingConnection('f1'), new RecordingConnection('f2')];
    const slow = [new RecordingConnection('s1', 2000), new RecordingConnection('s2', 4000)];
    const sent = [msg(false), msg(true), msg(false), msg(false), msg(true), msg(false)];
    for (const m of sent) outbox.push(m);
    outbox.flush([...fast, ...slow].map((c) => member(c)));
    assert.equal(count(), 2);
    assert.equal(slow[0]!.written[0], slow[1]!.written[0]);
    assert.notEqual(slow[0]!.written[0], fast[0]!.written[0]);
    const thin = parse(slow[0]!.written[0]!);
    assert.deepEqual(
      thin.msgs.map((m) => m.id),
      sent.filter((m) => m.priority).map((m) => m.id),
    );
    assert.equal(thin.skipped, 4);
    assert.deepEqual(thin.upto, sent[5]!.pos);
    assert.equal(parse(fast[0]!.written[0]!).msgs.length, 6);
    assert.equal((await metrics.messagesDelivered.get()).values[0]!.value, 6 * 2 + 2 * 2);
    assert.equal((await metrics.messagesSkipped.get()).values[0]!.value, 4 * 2);
  });

  test('a tick of fan chatter only still advances a slow socket with an empty frame and skipped', () => {
    const { outbox } = setup();
    const slow = new RecordingConnection('s', 2000);
    outbox.push(msg(false));
    outbox.push(msg(false));
    outbox.flush([member(slow)]);
    const f = parse(slow.written[0]!);
    assert.deepEqual(f.msgs, []);
    assert.equal(f.skipped, 2);
    assert.equal(f.upto.offset, offset);
  });

  test('a socket past the hard buffer limit is closed with 4010 and gets nothing', () => {
    const { outbox } = setup();
    const stuck = new RecordingConnection('x', 6000);
    const ok = new RecordingConnection('ok');
    outbox.push(msg(true));
    outbox.flush([member(stuck), member(ok)]);
    assert.equal(stuck.closedWith, 4010);
    assert.equal(stuck.written.length, 0);
    assert.equal(ok.written.length, 1);
  });

  test('a member whose join is in progress gets the frame held, not written', () => {
    const { outbox } = setup();
    const joining = new RecordingConnection('j');
    const hold: PreparedFrame[] = [];
    const other = new RecordingConnection('o');
    outbox.push(msg(false));
    outbox.flush([member(joining, hold), member(other)]);
    assert.equal(joining.written.length, 0);
    assert.equal(hold.length, 1);
    assert.equal(hold[0], other.written[0]);
  });

  test('each tick is its own frame; an empty tick writes nothing', () => {
    const { outbox, count } = setup();
    const c = new RecordingConnection('c');
    outbox.flush([member(c)]);
    assert.equal(c.written.length, 0);
    outbox.push(msg(false));
    outbox.flush([member(c)]);
    outbox.push(msg(false));
    outbox.flush([member(c)]);
    assert.equal(c.written.length, 2);
    assert.equal(count(), 2);
    assert.equal(parse(c.written[1]!).msgs.length, 1);
  });

  test('a latest frame replaces the one of its key still waiting, in its place; after a flush it waits anew', () => {
    const { outbox } = setup();
    const c = new RecordingConnection('c');
    const stats = (viewers: number) =>
      prepare({ t: 'stats', room: 'r', viewers, hearts: 0, heartsPerSecond: 0 });
    outbox.putLatest('stats', stats(1));
    const m = msg(false);
    outbox.push(m);
    outbox.putLatest('stats', stats(2));
    outbox.flush([member(c)]);
    assert.deepEqual(
      c.written
        .map((f) => JSON.parse(f.text) as { t: string; viewers?: number })
        .map((f) => f.viewers ?? f.t),
      [2, 'msgs'],
    );
    outbox.putLatest('stats', stats(3));
    outbox.flush([member(c)]);
    assert.equal(c.written.length, 3, 'a new key waits anew after a flush');
  });

  test('records send-to-deliver latency for messages received by this process', async () => {
    const received = new Map([['known', performance.now()]]);
    const { outbox, metrics } = setup((id) => received.get(id));
    const m = { ...msg(false), id: 'known' };
    outbox.push(m);
    outbox.push(msg(false));
    outbox.flush([member(new RecordingConnection('c'))]);
    const hist = await metrics.deliverLatency.get();
    const countValue = hist.values.find((v) => v.metricName === 'lightstick_send_to_deliver_seconds_count');
    assert.equal(countValue?.value, 1);
  });

  test('a merge of flushes: one msgs frame for consecutive messages, frames in place, latency recorded once', async () => {
    const received = new Map<string, number>();
    const { outbox, metrics, count } = setup((id) => received.get(id));
    const stats = prepare({ t: 'stats', room: 'r', viewers: 3, hearts: 0, heartsPerSecond: 0 });
    const [a, b, c, d] = [msg(false), msg(true), msg(false), msg(false)];
    for (const m of [a, b, c, d]) received.set(m.id, performance.now());
    outbox.push(a);
    outbox.push(b);
    const first = outbox.take();
    outbox.pushFrame(stats);
    outbox.push(c);
    const second = outbox.take();
    outbox.push(d);
    const third = outbox.take();
    const serialised = count();
    const merged = RoomFlush.merge([first, second, third]);
    const fast = new RecordingConnection('f');
    const slow = new RecordingConnection('s', 2000);
    merged.deliver(member(fast));
    merged.deliver(member(slow));
    const shape = (f: PreparedFrame) => {
      const frame = JSON.parse(f.text) as { t: string; msgs?: ChatMessage[]; skipped?: number };
      return frame.t === 'msgs'
        ? [...(frame.msgs ?? []).map((m) => m.id), `skipped ${frame.skipped}`]
        : frame.t;
    };
    assert.deepEqual(fast.written.map(shape), [
      [a.id, b.id, 'skipped undefined'],
      'stats',
      [c.id, d.id, 'skipped undefined'],
    ]);
    assert.deepEqual(slow.written.map(shape), [[b.id, 'skipped 1'], 'stats', ['skipped 2']]);
    assert.equal(fast.written[1], stats, 'an ephemeral frame is the one prepared, not a copy');
    assert.equal(count(), serialised + 4, 'two frames for the fast, two thinned for the slow');
    merged.finish();
    const latency = async () =>
      (await metrics.deliverLatency.get()).values.find(
        (v) => v.metricName === 'lightstick_send_to_deliver_seconds_count',
      )?.value ?? 0;
    assert.equal(await latency(), 0, "a merge leaves its messages' latency to the flushes it merged");
    for (const f of [first, second, third]) f.finish();
    assert.equal(await latency(), 4);
    assert.equal((await metrics.messagesDelivered.get()).values[0]!.value, 4 + 1);
  });

  test("a stream reset between two messages starts another msgs frame: a frame's messages take its epoch", () => {
    const { outbox } = setup();
    const before = chatMessage(41, { room: 'r', pos: { epoch: 'old', offset: 41 } });
    const after = [1, 2].map((o) => chatMessage(100 + o, { room: 'r', pos: { epoch: 'new', offset: o } }));
    outbox.push(before);
    outbox.push(after[0]!);
    const first = outbox.take();
    outbox.push(after[1]!);
    const second = outbox.take();
    for (const flush of [RoomFlush.merge([first, second]), first]) {
      const c = new RecordingConnection('c');
      flush.deliver(member(c));
      const frames = c.written.map(parse);
      assert.deepEqual(
        frames.map((f) => f.upto.epoch),
        ['old', 'new'],
      );
      // Read as the SDK reads them, every message has the position it was published with.
      assert.deepEqual(
        frames.flatMap((f) => f.msgs),
        flush === first ? [before, after[0]] : [before, ...after],
      );
    }
  });
});
