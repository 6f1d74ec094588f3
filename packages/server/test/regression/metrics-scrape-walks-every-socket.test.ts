/**
 * Each /metrics scrape walked every open socket of the process, synchronously: prom-client's default metrics
 * `nodejs_active_handles` and `nodejs_active_resources` (and their `_total`s) list every libuv handle twice per
 * scrape, and `process_open_fds` lists /proc/self/fd with `readdirSync`. With 16 000 sockets a scrape held the
 * loop 28 ms (1.8 ms after); in a `broadcast` of 100 000 fans over six gateways the one scrape of the phase was
 * 13 % of the gateways' CPU samples in it (docs/benchmarks.md, "Stop 31"). Prometheus scrapes each gateway every
 * 15-30 s. The per-handle metrics are gone (src/observability/process-metrics.ts); `process_open_fds` is still
 * exported, read off the loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { createMetrics } from '../../src/observability/metrics.ts';
import { PER_HANDLE_METRICS } from '../../src/observability/process-metrics.ts';

test('a scrape lists no handle and reads no directory on the loop; open fds are still exported', async (t) => {
  let accepted = 0;
  let allAccepted!: () => void;
  const everyoneIn = new Promise<void>((resolve) => (allAccepted = resolve));
  const server = net.createServer((s) => {
    s.on('error', () => {});
    if (++accepted === 50) allAccepted();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const sockets = await Promise.all(
    Array.from(
      { length: 50 },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.on('error', reject);
        }),
    ),
  );
  await everyoneIn;
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  const { registry } = createMetrics('gateway-1');
  const calls = { handles: 0, resources: 0, readdirSync: 0 };
  const proc = process as unknown as { _getActiveHandles(): unknown[] };
  const handles = proc._getActiveHandles;
  const resources = process.getActiveResourcesInfo;
  const readdirSync = fs.readdirSync;
  proc._getActiveHandles = () => (calls.handles++, handles.call(process));
  process.getActiveResourcesInfo = () => (calls.resources++, resources.call(process));
  fs.readdirSync = ((...args: Parameters<typeof fs.readdirSync>) => {
    calls.readdirSync++;
    return readdirSync(...args);
  }) as typeof fs.readdirSync;
  let text: string;
  try {
    text = await registry.metrics();
  } finally {
    proc._getActiveHandles = handles;
    process.getActiveResourcesInfo = resources;
    fs.readdirSync = readdirSync;
  }
  assert.deepEqual(calls, { handles: 0, resources: 0, readdirSync: 0 });

  for (const name of PER_HANDLE_METRICS.filter((n) => n !== 'process_open_fds')) {
    assert.ok(!new RegExp(`^${name}[{ ]`, 'm').test(text), `${name} is not exported`);
  }
  // The rest of Node's defaults are still there (the dashboards read memory, heap and the loop's lag).
  for (const name of [
    'process_resident_memory_bytes',
    'process_max_fds',
    'nodejs_eventloop_lag_p99_seconds',
  ]) {
    assert.match(text, new RegExp(`^${name}[{ ]`, 'm'), `${name} is exported`);
  }
  if (process.platform === 'linux') {
    const fds = Number(/^process_open_fds\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
    // 50 client sockets and the 50 the server accepted, beside the process's own.
    assert.ok(fds >= 100, `process_open_fds counts the open sockets (${fds})`);
  }
});
