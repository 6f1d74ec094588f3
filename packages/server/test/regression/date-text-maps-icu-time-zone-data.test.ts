/**
 * Regression (issue 6, part 6): an idle gateway printed two instants, each through a `Date` method that maps about
 * 0.9 MB of ICU's time-zone data into the process on Node 20: pino's `isoTime` (`toISOString`) on every log line,
 * and Node's HTTP `Date` header (`toUTCString`) on every answer of the public port and the metrics port, so the
 * first `/readyz` or scrape. They are now printed by utc-time.ts from the `getUTC*` fields (unit test
 * utc-time.test.ts: the same text). Here: a log line of the server's logger and answers of both ports call
 * neither method, and still carry the instant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';

const calls = { toISOString: 0, toUTCString: 0 };
// Before the modules under test load (imported below): every call of either method is counted.
for (const name of ['toISOString', 'toUTCString'] as const) {
  const original = Date.prototype[name];
  Date.prototype[name] = function (this: Date) {
    calls[name]++;
    return original.call(this);
  };
}

const near = (text: string | null, what: string) => {
  const at = Date.parse(text ?? '');
  assert.ok(Math.abs(at - Date.now()) < 5_000, `${what}: ${text}`);
};

test('log lines and the HTTP Date header are printed without toISOString or toUTCString', async () => {
  const { createLogger } = await import('../../src/observability/logger.ts');
  const { createPublicServer, listenOn, closerOf } = await import('../../src/http/node-server.ts');
  const { startMetricsListener } = await import('../../src/http/metrics-listener.ts');
  const { Registry } = await import('prom-client');

  let lines = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'info', nodeId: 'n1', destination: sink });
  logger.info({ room: 'r1' }, 'listening');
  const line = JSON.parse(lines.trim()) as { time: string; msg: string; node: string };
  assert.equal(line.msg, 'listening');
  assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  near(line.time, 'log time');

  const server = createPublicServer(undefined, (_req, res) => res.end('ok'));
  await listenOn(server, { port: 0, host: '127.0.0.1' });
  const metrics = await startMetricsListener({
    registry: new Registry(),
    host: '127.0.0.1',
    port: 0,
    logger: createLogger({ level: 'silent', nodeId: 'n1' }),
  });
  try {
    const port = (server.address() as AddressInfo).port;
    for (const url of [`http://127.0.0.1:${port}/`, `http://127.0.0.1:${metrics.port}/metrics`]) {
      const res = await fetch(url);
      await res.text();
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('date')?.endsWith(' GMT'), true, url);
      near(res.headers.get('date'), url);
    }
  } finally {
    await closerOf(server)();
    await metrics.close();
  }

  assert.deepEqual(calls, { toISOString: 0, toUTCString: 0 });
  // The counts see a call (so the zeros above mean none happened).
  new Date().toUTCString();
  assert.equal(calls.toUTCString, 1);
});
