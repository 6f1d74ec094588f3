/**
 * The prepared wire frame (built once, written as the same Buffer to every socket) reaches a real WebSocket
 * client as one text message with the same bytes, at every length encoding, and in order with ws's own writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import { prepareText, wireOf, WsConnection } from '../../src/gateway/connection.ts';

test('prepared frames arrive as text messages of the same bytes, for every length encoding', async () => {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  const { port } = wss.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 0 });
  client.on('error', () => {});
  const got: { text: string; isBinary: boolean }[] = [];
  client.on('message', (data: Buffer, isBinary: boolean) => got.push({ text: data.toString(), isBinary }));
  const [ws] = (await once(wss, 'connection')) as [WebSocket];
  try {
    const conn = new WsConnection('c', ws);
    const sizes = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000];
    const texts = sizes.map((n, i) => String(i % 10).repeat(n));
    for (const t of texts) {
      const frame = prepareText(t);
      assert.equal(wireOf(frame), wireOf(frame), 'built once');
      conn.write(frame);
      ws.send('between'); // ws's own framing, interleaved
    }
    conn.writeMany([prepareText('a'), prepareText('b')]);
    const deadline = Date.now() + 10_000;
    while (got.length < texts.length * 2 + 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(
      got.map((g) => g.text),
      [...texts.flatMap((t) => [t, 'between']), 'a', 'b'],
    );
    assert.ok(got.every((g) => !g.isBinary));
  } finally {
    client.terminate();
    await new Promise((r) => wss.close(r));
  }
});
