/**
 * The bug: a benchmark gateway exited with `EADDRINUSE` before listening. Its port came from `listen(0)` and
 * close, so from the kernel's ephemeral range, which is also where every outgoing connection gets its source
 * port, and the benchmark's connections from 127.0.0.1 could take it before the child bound it. Test servers'
 * ports now come from below that range (test/support/ports.ts), and a spawn that loses its port anyway tries
 * another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { ephemeralLow, freePort, retryIfTaken } from '../support/ports.ts';

test('a free port lies below the range outgoing connections take their source ports from, and is free', async () => {
  const low = ephemeralLow();
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const target = (server.address() as { port: number }).port;
    // What the kernel gives an outgoing connection: a source port inside the range.
    for (let i = 0; i < 20; i++) {
      const socket = connect(target, '127.0.0.1');
      socket.on('error', () => {}); // the server drops it at once: that is not this test's concern
      await new Promise<void>((r) => socket.once('connect', () => r()));
      assert.ok(socket.localPort! >= low, `source port ${socket.localPort} in the range from ${low}`);
      socket.destroy();
    }
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    assert.ok(port >= 10_000 && port < low, `port ${port} below ${low}`);
    await listenOn(port).then(close); // nothing holds it
  }
});

test('a start that loses its port to someone else is tried again on another; other failures are not', async () => {
  // A port taken for real: the first try is given it as if another process had bound it first.
  const taken = await listenOn(await freePort());
  const takenPort = (taken.address() as { port: number }).port;
  try {
    const tried: number[] = [];
    const started = await retryIfTaken(async (port) => {
      tried.push(port);
      return close(await listenOn(tried.length === 1 ? takenPort : port)).then(() => port);
    });
    assert.equal(tried.length, 2);
    assert.equal(started, tried[1]);
    assert.notEqual(started, takenPort);

    let calls = 0;
    await assert.rejects(
      retryIfTaken(async () => {
        calls++;
        throw new Error('server exited (1) before listening: bad config');
      }),
      /bad config/,
    );
    assert.equal(calls, 1, 'another failure is not retried');

    calls = 0;
    await assert.rejects(
      retryIfTaken(async () => {
        calls++;
        await listenOn(takenPort);
      }, 3),
      /EADDRINUSE/,
    );
    assert.equal(calls, 3, 'it gives up after its tries');
  } finally {
    await close(taken);
  }
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

function close(srv: Server): Promise<void> {
  return new Promise((r) => srv.close(() => r()));
}
