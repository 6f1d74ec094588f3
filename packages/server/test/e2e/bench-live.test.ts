/**
 * `npm run bench -- live` at small scale, both engines, so the harness that measures issue 6 cannot rot: every
 * message sent is acknowledged and reaches every client of its engine, in both phases, and the figures and
 * verdicts the run prints agree with that (bench/owed.ts). The load generators count deliveries after the
 * fact (bench/live-loadgen.ts, `arrive`): a frame whose arrivals were not all counted shows here as loss.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT } from '../support/harness.ts';
import { nodeToExit } from '../support/node-to-exit.ts';

const CONNECTIONS = 60;
const RATES = [2, 5];

/** Runs the benchmark to completion (bounded: killed after five minutes; its processes end with it). */
function bench(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = path.join(REPO_ROOT, 'bench/run.ts');
  return nodeToExit(['--import', 'tsx', '--conditions=@lightstick/source', run, ...args], {
    timeoutMs: 300_000,
  });
}

test('bench live: every message reaches every client of both engines, and the run says so', async () => {
  const { code, output } = await bench([
    'live',
    '--connections',
    String(CONNECTIONS),
    '--users',
    '10',
    '--gateways',
    '2',
    '--loadgens',
    '2',
    '--rates',
    RATES.join(','),
    '--seconds',
    '3',
    '--settle',
    '5',
    '--engines',
    'lightstick,socketio',
  ]);
  assert.equal(code, 0, output.slice(-4000));
  const last = output
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{"scenario"'))
    .at(-1);
  assert.ok(last, `no summary line in:\n${output.slice(-4000)}`);
  const run = JSON.parse(last) as {
    results: Record<string, Record<string, number | null>[]>;
    complete: Record<string, number | null>;
  };
  for (const engine of ['lightstick', 'socketio']) {
    const phases = run.results[engine];
    assert.equal(phases?.length, RATES.length, engine);
    for (const p of phases) {
      const where = `${engine} at ${p.rate} msgs/s: ${JSON.stringify(p)}`;
      assert.ok((p.sent ?? 0) > 0, where);
      assert.equal(p.acked, p.sent, where);
      assert.equal(p.refused, 0, where);
      assert.equal(p.messages, p.sent, where);
      assert.equal(p.delivered, (p.messages ?? 0) * CONNECTIONS, where);
      assert.equal(p.lossPct, 0, where);
      assert.equal(p.unseenPct, 0, where);
      assert.equal(p.counted, p.delivered, where);
      assert.ok(typeof p.cpuUsPerDelivery === 'number' && p.cpuUsPerDelivery > 0, where);
    }
    assert.equal(run.complete[engine], Math.max(...RATES), engine);
  }
});
