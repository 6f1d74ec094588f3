/**
 * bench/artillery/chat.yaml at small scale against a spawned Lightstick, so the scenario cannot rot: Artillery
 * (its WebSocket engine and the scenario's processor) signs five fans up, logs them in, opens their sockets,
 * authenticates, joins the room and sends five messages each. The JSON report must show no error and every
 * message acknowledged, and the server must have accepted exactly those messages.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, spawnLightstick, tempDir, type Spawned } from '../support/harness.ts';
import { metricValue } from '../support/cluster.ts';
import { nodeToExit } from '../support/node-to-exit.ts';

const SCENARIO = path.join(REPO_ROOT, 'bench/artillery/chat.yaml');
const ARTILLERY = path.join(REPO_ROOT, 'node_modules/artillery/bin/run');
const VUSERS = 5; // the scenario's default phase: 5 s at 1 arrival a second
const SENDS = 5; // the scenario's default `sends`

interface Report {
  aggregate: {
    counters: Record<string, number>;
    summaries: Record<string, { min: number; max: number; median: number; p99: number }>;
  };
}

let server: Spawned | undefined;
let dir: string;

before(async () => {
  dir = await tempDir('lightstick-artillery-');
  server = await spawnLightstick();
});

after(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs Artillery to completion (bounded: killed after three minutes); returns its exit code and output. */
function artillery(args: string[]): Promise<{ code: number | null; output: string }> {
  // No telemetry: it would call out of a machine that may have no network.
  const env = { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1' };
  return nodeToExit([ARTILLERY, ...args], { env, timeoutMs: 180_000 });
}

test('the Artillery chat scenario signs up, joins and chats with no error, every message acknowledged', async (t) => {
  const reportFile = path.join(dir, 'report.json');
  const run = await artillery(['run', SCENARIO, '--target', server!.baseUrl, '--output', reportFile]);
  assert.equal(run.code, 0, run.output);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as Report;
  const c = report.aggregate.counters;
  assert.deepEqual(
    Object.keys(c).filter((k) => k.startsWith('errors.')),
    [],
    `errors in the report: ${JSON.stringify(c)}`,
  );
  assert.equal(c['vusers.created'], VUSERS);
  assert.equal(c['vusers.completed'], VUSERS);
  assert.equal(c['vusers.failed'], 0);
  assert.equal(c['lightstick.authenticated'], VUSERS);
  assert.equal(c['lightstick.joined'], VUSERS);
  assert.equal(c['lightstick.messages_acked'], VUSERS * SENDS);
  const ack = report.aggregate.summaries['lightstick.send_to_ack'];
  assert.ok(ack && ack.min > 0 && ack.p99 >= ack.median, JSON.stringify(ack));
  // The server's own count agrees: exactly the acknowledged messages were accepted.
  assert.equal(await metricValue(server!.baseUrl, 'lightstick_messages_accepted_total'), VUSERS * SENDS);
  t.diagnostic(
    `artillery: ${c['vusers.completed']} fans, ${c['lightstick.messages_acked']} acknowledged, ` +
      `${c['lightstick.messages_received'] ?? 0} received; send to ack median ${ack?.median} ms, p99 ${ack?.p99} ms`,
  );
});
