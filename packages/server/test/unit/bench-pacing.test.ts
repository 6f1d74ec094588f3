/**
 * What the benchmark reads from the gateways' /metrics for a phase (bench/server-metrics.ts): the pacing curve
 * (frames per viewer per second, messages per frame, the interval, budget and writer's busy share in force),
 * the send's Redis call beside its whole send-to-ack, and the gateways' garbage collection, from the names the
 * server registers (src/observability/metrics.ts and its process metrics).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMetrics } from '../../src/observability/metrics.ts';
import { Histogram, Registry } from 'prom-client';
import {
  gcBetween,
  pacingBetween,
  parseGatewayMetrics,
  percentileBetween,
} from '../../../../bench/server-metrics.ts';

const GC = 'nodejs_gc_duration_seconds';

/** A gateway's /metrics text after the given counts, from the server's own registry (names cannot drift). */
async function scrapeOf(opts: {
  frames: number;
  delivered: number;
  intervalS: number;
  budget: number;
  busy?: number;
  commitsS?: number[];
  deliversS?: number[];
  /** Collections by kind, as V8 reports them to prom-client's `nodejs_gc_duration_seconds`. */
  gcs?: [kind: string, seconds: number][];
}) {
  const m = createMetrics('gw');
  m.fanoutFrames.inc(opts.frames);
  m.messagesDelivered.inc(opts.delivered);
  m.fanoutInterval.set(opts.intervalS);
  m.fanoutBudget.set(opts.budget);
  m.fanoutBusy.set(opts.busy ?? 0);
  for (const s of opts.deliversS ?? []) m.deliverLatency.observe(s);
  for (const s of opts.commitsS ?? []) {
    m.commitLatency.observe(s);
    m.sendToAck.observe(s + 0.01);
  }
  // The collections histogram as the gateway's process metrics define it (name, label, buckets), holding only
  // the collections given: the registered one also records this process's own, whenever V8 collects.
  const registered = m.registry.getSingleMetric(GC) as
    (Histogram<'kind'> & { upperBounds: number[] }) | undefined;
  assert.ok(registered, 'the process metrics hold the collections histogram');
  const own = new Registry();
  const gc = new Histogram({
    name: GC,
    help: 'collections',
    labelNames: ['kind'],
    buckets: registered.upperBounds,
    registers: [own],
  });
  for (const [kind, s] of opts.gcs ?? []) gc.observe({ kind }, s);
  const text = (await m.registry.metrics())
    .split('\n')
    .filter((line) => !line.includes(GC))
    .join('\n');
  return parseGatewayMetrics(`${text}\n${await own.metrics()}`);
}

test('the pacing over a phase: frames per viewer per second, messages per frame, interval, budget, busy share', async () => {
  const before = [
    await scrapeOf({ frames: 100, delivered: 100, intervalS: 0, budget: 50_000 }),
    await scrapeOf({ frames: 50, delivered: 50, intervalS: 0, budget: 50_000 }),
  ];
  // 10 s, 2 000 viewers over two gateways, 20 msgs/s: each viewer got 10 frames a second of 2 messages each.
  const after = [
    await scrapeOf({
      frames: 100 + 100_000,
      delivered: 100 + 200_000,
      intervalS: 0.1,
      budget: 50_000,
      busy: 0.3,
    }),
    await scrapeOf({
      frames: 50 + 100_000,
      delivered: 50 + 200_000,
      intervalS: 0.2,
      budget: 25_000,
      busy: 0.9,
    }),
  ];
  const p = pacingBetween(before, after, 2_000, 10);
  assert.ok(p);
  assert.equal(p.framesPerViewerS, 10);
  assert.equal(p.msgsPerFrame, 2);
  assert.deepEqual(p.intervalMs, [100, 200]);
  assert.deepEqual(p.budgetFps, [25_000, 50_000]);
  assert.deepEqual(p.writerBusy, [0.3, 0.9]);
  assert.equal(
    pacingBetween(before, [after[0], undefined], 2_000, 10),
    undefined,
    'a gateway did not answer',
  );
});

test("the send's Redis call is read apart from its whole send-to-ack", async () => {
  const before = [await scrapeOf({ frames: 0, delivered: 0, intervalS: 0, budget: 1 })];
  const after = [
    await scrapeOf({ frames: 0, delivered: 0, intervalS: 0, budget: 1, commitsS: [0.002, 0.002, 0.2] }),
  ];
  assert.equal(percentileBetween(before, after, 50, 'commit'), 2.5);
  assert.equal(percentileBetween(before, after, 99, 'commit'), 250);
  assert.equal(percentileBetween(before, after, 50), 25, 'send-to-ack: 12 ms');
});

test("the server's share of a fan's latency: send to written to every local member", async () => {
  const before = [await scrapeOf({ frames: 0, delivered: 0, intervalS: 0, budget: 1, deliversS: [0.3] })];
  const after = [
    await scrapeOf({
      frames: 0,
      delivered: 0,
      intervalS: 0,
      budget: 1,
      deliversS: [0.3, 0.004, 0.004, 0.004, 1.5],
    }),
  ];
  // The phase's four: three written within 5 ms, one at 1.5 s (the 2.5 s bucket); the one before is not its.
  assert.equal(percentileBetween(before, after, 50, 'deliver'), 5);
  assert.equal(percentileBetween(before, after, 99, 'deliver'), 2500);
});

test('percentile-past-the-top-bucket-printed-as-null: a percentile beyond the histogram says so', async () => {
  // Stop 32, 100 000 x 20 msgs/s: the gateways acknowledged 273 sends, their p99 past the top bucket (5 s);
  // as Infinity it printed `null` in the JSON line, as if nothing had been acknowledged.
  const before = [await scrapeOf({ frames: 0, delivered: 0, intervalS: 0, budget: 1 })];
  const after = [
    await scrapeOf({ frames: 0, delivered: 0, intervalS: 0, budget: 1, deliversS: [0.004, 3, 7, 9] }),
  ];
  assert.equal(percentileBetween(before, after, 25, 'deliver'), 5);
  assert.equal(percentileBetween(before, after, 99, 'deliver'), '>2500');
  assert.equal(
    JSON.parse(JSON.stringify({ p99: percentileBetween(before, after, 99, 'deliver') })).p99,
    '>2500',
  );
  assert.equal(percentileBetween(before, before, 99, 'deliver'), undefined, 'nothing observed');
});

test("the gateways' collections over a phase: the most time one spent, the pauses over 100 ms in all", async () => {
  const gw = (gcs: [string, number][]) => scrapeOf({ frames: 0, delivered: 0, intervalS: 0, budget: 1, gcs });
  const before = [await gw([['major', 0.3]]), await gw([])];
  const after = [
    // The first: its earlier 300 ms pause is not the phase's; in it, 4 + 50 + 250 ms, one pause over 100 ms.
    await gw([
      ['major', 0.3],
      ['minor', 0.004],
      ['incremental', 0.05],
      ['major', 0.25],
    ]),
    // The second: two long ones of different kinds.
    await gw([
      ['minor', 0.12],
      ['major', 0.5],
    ]),
  ];
  assert.deepEqual(gcBetween(before, after), { gatewayGcMs: 620, gatewayGcOver100ms: 3 });
  assert.deepEqual(gcBetween(before, [undefined, undefined]), {}, 'no gateway answered');
  assert.deepEqual(gcBetween(before, [after[0], undefined]), { gatewayGcMs: 304, gatewayGcOver100ms: 1 });
});
