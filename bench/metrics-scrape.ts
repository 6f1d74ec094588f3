/**
 * What one /metrics scrape costs a process holding many sockets (docs/benchmarks.md, "Stop 31"): opens N TCP
 * connections to itself (2N sockets, as a gateway holds its fans'), then scrapes prom-client's default metrics
 * and the server's own set (src/observability/process-metrics.ts) seven times each, timing the scrape and the
 * longest stretch the event loop was held meanwhile (the gaps between the turns of a `setImmediate` chain).
 *
 * `node --import tsx --conditions=@lightstick/source bench/metrics-scrape.ts [N=8000]` (N ≤ 9 000 under the
 * 20 000 open-file limit).
 */
import net from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { registerProcessMetrics } from '../packages/server/src/observability/process-metrics.ts';

const n = Number(process.argv[2] ?? 8000);
const server = net.createServer((s) => s.on('error', () => {}));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as net.AddressInfo;
const clients: net.Socket[] = [];
for (let i = 0; i < n; i++) {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => {});
  clients.push(s);
  if (i % 500 === 499) await new Promise((r) => setTimeout(r, 20)); // under the accept backlog
}
await new Promise((r) => setTimeout(r, 1000));

async function measure(registry: Registry): Promise<string> {
  const scrapes: number[] = [];
  const held: number[] = [];
  for (let i = 0; i < 7; i++) {
    let last = performance.now();
    let longest = 0;
    let on = true;
    const turn = () => {
      const t = performance.now();
      longest = Math.max(longest, t - last);
      last = t;
      if (on) setImmediate(turn);
    };
    setImmediate(turn);
    const from = performance.now();
    await registry.metrics();
    scrapes.push(performance.now() - from);
    on = false;
    await new Promise((r) => setImmediate(r));
    held.push(longest);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[3]!.toFixed(1);
  return `scrape ${median(scrapes)} ms, loop held at most ${median(held)} ms (medians of 7)`;
}

const defaults = new Registry();
collectDefaultMetrics({ register: defaults });
const ours = new Registry();
registerProcessMetrics(ours);
console.log(`${2 * n} sockets in this process`);
console.log(`prom-client's default metrics: ${await measure(defaults)}`);
console.log(`registerProcessMetrics:        ${await measure(ours)}`);
for (const s of clients) s.destroy();
server.close();
