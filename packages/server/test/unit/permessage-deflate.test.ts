/**
 * permessage-deflate with no zlib state per socket (gateway/permessage-deflate.ts), against real ws clients: what
 * the server compresses arrives whole, once-made frames are shared, a connection's own replies, small frames and
 * clients that did not offer (or asked for a smaller window) get plain frames, and what a client compresses is
 * inflated in one call with no stream kept, bounded by the frame limit, a bad stream answered with 1007.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { WebSocket, WebSocketServer, type ClientOptions } from 'ws';
import { prepareText, WsConnection } from '../../src/gateway/connection.ts';
import { acceptDeflate, deflatedWireOf, deflateNegotiation } from '../../src/gateway/permessage-deflate.ts';
import { countCompressed } from '../support/compressed-count.ts';

const MAX_PAYLOAD = 16 * 1024;
const MIN_BYTES = 256;

interface Pair {
  client: WebSocket;
  server: WebSocket;
  conn: WsConnection;
  /** Messages the client got, and how many of them were compressed. */
  got: string[];
  compressed: () => number;
  /** Messages the server got, and the close code the client got (a server that failed a read stops reading). */
  heard: string[];
  closed: Promise<number>;
  stop(): Promise<void>;
}

async function pair(options: ClientOptions = {}, enabled = true): Promise<Pair> {
  const wss = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: deflateNegotiation({ enabled, minBytes: MIN_BYTES }),
  });
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}`, options);
  client.on('error', () => {});
  const closed = new Promise<number>((resolve) => client.once('close', (code: number) => resolve(code)));
  const got: string[] = [];
  client.on('message', (data: Buffer) => got.push(data.toString()));
  const [server] = (await once(wss, 'connection')) as [WebSocket];
  server.on('error', () => {});
  const heard: string[] = [];
  server.on('message', (data: Buffer) => heard.push(data.toString()));
  const accepted = acceptDeflate(server, MAX_PAYLOAD);
  const conn = new WsConnection('c', server, accepted ? MIN_BYTES : undefined);
  if (client.readyState !== WebSocket.OPEN) await once(client, 'open');
  const compressed = countCompressed(client);
  return {
    client,
    server,
    conn,
    got,
    compressed,
    heard,
    closed,
    async stop() {
      client.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A chat-like frame: keys and ids that repeat, as a flush's are. */
const flush = (n: number) =>
  JSON.stringify({
    t: 'msgs',
    room: 'r',
    msgs: Array.from({ length: n }, (_, i) => ({
      id: `m${i}`,
      user: { id: 'u1', name: 'fan' },
      text: `안녕 ${i}`,
    })),
  });

test('a frame is deflated once and the same compressed bytes inflate back to it; small frames stay plain', () => {
  const big = prepareText(flush(40));
  const wire = deflatedWireOf(big, MIN_BYTES);
  assert.ok(wire !== null && wire.length < big.bytes.length / 2, 'smaller by half at least');
  assert.equal(deflatedWireOf(big, MIN_BYTES), wire, 'made once, shared by every socket');
  assert.equal(wire[0], 0xc1, 'final, RSV1 (compressed), text');
  const head = wire[1]! < 126 ? 2 : 4;
  const payload = Buffer.concat([wire.subarray(head), Buffer.from([0, 0, 0xff, 0xff])]);
  assert.equal(
    zlib.inflateRawSync(payload, { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString(),
    big.text,
  );
  assert.equal(deflatedWireOf(prepareText('{"t":"ping"}'), MIN_BYTES), null, 'under minBytes');
  assert.equal(deflatedWireOf(prepareText('{}'), 1), null, 'sent plain where compressing does not shrink it');
});

test('a client that offers compression gets large frames compressed and small ones plain, in order', async () => {
  const p = await pair();
  try {
    const ext = (p.client as unknown as { _extensions: Record<string, { params: object } | undefined> })
      ._extensions['permessage-deflate'];
    assert.deepEqual(
      { ...ext?.params },
      { server_no_context_takeover: true, client_no_context_takeover: true },
    );
    const frames = [flush(40), '{"t":"ping"}', flush(2), flush(5), 'x'.repeat(70_000)];
    assert.deepEqual(
      frames.map((f) => Buffer.byteLength(f) >= MIN_BYTES),
      [true, false, false, true, true],
    );
    for (const f of frames) p.conn.write(prepareText(f));
    p.conn.writeMany([prepareText(flush(10)), prepareText('{"t":"pong"}')]);
    await until(() => p.got.length === 7, 'seven messages');
    assert.deepEqual(p.got, [...frames, flush(10), '{"t":"pong"}']);
    assert.equal(p.compressed(), 4, 'the four of 256 bytes or more');
  } finally {
    await p.stop();
  }
});

test("a connection's own replies go plain however large; fan-out frames to the same socket do not", async () => {
  const p = await pair();
  try {
    p.conn.reply(prepareText(flush(40))); // a `joined` with a replay, say: for this socket alone
    p.conn.write(prepareText(flush(41)));
    // ws itself, even asked to compress, does not: the extension object it calls has no compressor.
    p.server.send(flush(42), { compress: true });
    await until(() => p.got.length === 3, 'three messages');
    assert.deepEqual(p.got, [flush(40), flush(41), flush(42)]);
    assert.equal(p.compressed(), 1, 'only the fan-out frame');
  } finally {
    await p.stop();
  }
});

test('a client that does not offer, or asks for a smaller window, gets every frame plain', async () => {
  for (const options of [
    { perMessageDeflate: false },
    { perMessageDeflate: { serverMaxWindowBits: 10 } },
  ] satisfies ClientOptions[]) {
    const p = await pair(options);
    try {
      p.conn.write(prepareText(flush(40)));
      await until(() => p.got.length === 1, 'the frame');
      assert.equal(p.got[0], flush(40));
      assert.equal(p.compressed(), 0, JSON.stringify(options));
    } finally {
      await p.stop();
    }
  }
});

test('with compression off the server does not accept an offer', async () => {
  const p = await pair({}, false);
  try {
    assert.equal(p.client.extensions, '');
    p.conn.write(prepareText(flush(40)));
    await until(() => p.got.length === 1, 'the frame');
    assert.equal(p.compressed(), 0);
  } finally {
    await p.stop();
  }
});

test('what a client compresses is inflated in one call, fragments too, with no zlib stream kept', async () => {
  // threshold 0: ws compresses every message it sends, as a browser does once the extension is on.
  const p = await pair({ perMessageDeflate: { threshold: 0 } });
  try {
    const texts = ['{"op":"pong"}', flush(30), '사랑해요 💜'.repeat(50)];
    for (const t of texts) p.client.send(t);
    p.client.send(flush(5).slice(0, 100), { fin: false });
    p.client.send(flush(5).slice(100), { fin: true });
    await until(() => p.heard.length === 4, 'four messages');
    assert.deepEqual(p.heard, [...texts, flush(5)]);
    // ws's own extension object keeps an InflateRaw stream after the first compressed message.
    const ext = (p.server as unknown as { _extensions: Record<string, object> })._extensions[
      'permessage-deflate'
    ]!;
    assert.ok(
      !Object.values(ext).some((v) => v instanceof zlib.InflateRaw),
      'no inflate stream on the socket',
    );
  } finally {
    await p.stop();
  }
});

test('a compressed message that inflates past the frame limit is closed with 1009', async () => {
  const p = await pair({ perMessageDeflate: { threshold: 0 } });
  try {
    p.client.send('a'.repeat(MAX_PAYLOAD * 8)); // a few hundred bytes compressed
    assert.equal(await p.closed, 1009);
    assert.deepEqual(p.heard, []);
  } finally {
    await p.stop();
  }
});

test('a compressed message that is not a deflate stream is closed with 1007', async () => {
  const p = await pair({ perMessageDeflate: { threshold: 0 } });
  try {
    // A masked text frame with RSV1 set whose payload is not deflate data (0xff: a reserved block type).
    const payload = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    const raw = (p.client as unknown as { _socket: { write(b: Buffer): void } })._socket;
    raw.write(Buffer.concat([Buffer.from([0xc1, 0x80 | payload.length]), mask, masked]));
    assert.equal(await p.closed, 1007);
  } finally {
    await p.stop();
  }
});
