/**
 * The compiled server (issue 6, part 6): `npm run build` bundles the server with esbuild into dist/, and that
 * build runs on plain node, with no TypeScript loader, in both modes: embedded (one process, SQLite) and
 * scale-out (an api and a gateway process over Redis and PostgreSQL). The smoke test is the suite's usual one:
 * sign up, join a community, send over a real WebSocket and hear the message on another connection.
 * A gateway-only process never loads Fastify nor the sign-in service (issue 6: a gateway's idle RSS): each
 * process records the modules it loads (support/module-trace.mjs) and the build's metafile says which packages
 * each chunk holds. `npm test`'s pretest builds dist/; run alone, this file builds it when it is missing.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AckFrame, MessagesFrame } from '@lightstick/protocol';
import { COMPILED_MAIN, REPO_ROOT, spawnLightstick, tempDir } from '../support/harness.ts';
import { startCluster } from '../support/cluster.ts';
import { createCommunity, joinCommunity, registerUser } from '../support/api.ts';
import { WsTestClient } from '../support/ws-client.ts';

/** Signs up an owner and a fan, joins both to a room and checks that a send from one reaches the other. */
async function smoke(apiUrl: string, ownerWs: string, fanWs: string): Promise<void> {
  const owner = await registerUser(apiUrl);
  const fan = await registerUser(apiUrl);
  const { community, room } = await createCommunity(apiUrl, owner.accessToken);
  await joinCommunity(apiUrl, fan.accessToken, community.id);
  const a = await WsTestClient.authed(ownerWs, owner.accessToken);
  const b = await WsTestClient.authed(fanWs, fan.accessToken);
  try {
    for (const c of [a, b]) {
      const joined = await c.request({ op: 'join', id: 1, room: room.id });
      assert.equal(joined.t, 'joined', JSON.stringify(joined));
    }
    const ack = await b.request<AckFrame>({
      op: 'send',
      id: 2,
      room: room.id,
      cid: 'c1',
      text: 'compiled 💜',
    });
    assert.equal(ack.t, 'ack', JSON.stringify(ack));
    const heard = await a.next<MessagesFrame>(
      (f) => f.t === 'msgs' && f.msgs.some((m) => m.text === 'compiled 💜'),
      30_000,
    );
    assert.equal(heard.room, room.id);
  } finally {
    a.close();
    b.close();
  }
}

const TRACE_HOOK = fileURLToPath(new URL('../support/module-trace.mjs', import.meta.url));
const META = path.join(path.dirname(COMPILED_MAIN), '../meta.json');

/** Node flags and environment that make a compiled process record the modules it loads in `file`. */
const traced = (file: string) => ({
  nodeArgs: ['--import', TRACE_HOOK],
  env: { LIGHTSTICK_TEST_MODULE_TRACE: file },
});

/** The sources bundled in the chunks of dist/server a process loaded, by its module trace. */
async function inputsLoaded(traceFile: string): Promise<Set<string>> {
  const meta = JSON.parse(await readFile(META, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const dist = path.dirname(COMPILED_MAIN);
  const chunks = (await readFile(traceFile, 'utf8'))
    .split('\n')
    .filter((url) => url.startsWith('file:'))
    .map((url) => fileURLToPath(url))
    .filter((file) => path.dirname(file) === dist);
  assert.ok(chunks.includes(COMPILED_MAIN), `the trace holds the entry: ${chunks.join(', ')}`);
  const inputs = new Set<string>();
  for (const chunk of chunks) {
    const key = path.relative(path.join(REPO_ROOT, 'packages/server'), chunk);
    const output = meta.outputs[key] ?? assert.fail(`${key} is not in dist/meta.json`);
    for (const input of Object.keys(output.inputs)) inputs.add(input);
  }
  return inputs;
}

/** The npm packages among bundled sources. */
function packagesOf(inputs: Set<string>): Set<string> {
  const packages = new Set<string>();
  for (const input of inputs) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (pkg) packages.add(pkg);
  }
  return packages;
}

/** What each traced process wrote as it exited (module-trace.mjs): its lines by prefix, one line per process. */
async function atExit(traceFile: string): Promise<{ deps: string[]; intl: string[]; date: string[] }> {
  const lines = (await readFile(traceFile, 'utf8')).split('\n');
  const starting = (prefix: string) => lines.filter((l) => l.startsWith(prefix));
  return {
    deps: starting('deps-at-exit:'),
    intl: starting('intl-at-exit:'),
    date: starting('date-at-exit:'),
  };
}

const fastifyIn = (packages: Set<string>) =>
  [...packages].filter((p) => p === 'fastify' || p.startsWith('@fastify/'));

describe('the compiled server', () => {
  before(() => {
    if (existsSync(COMPILED_MAIN)) return;
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/server/build.mjs')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(r.status, 0, r.stderr);
  });

  test('the build is plain JavaScript: no TypeScript source is bundled as such and no loader is needed', () => {
    assert.match(COMPILED_MAIN, /dist\/server\/main\.js$/);
    // Node refuses .ts files without a loader; the entry runs (below) with none, so it must be JavaScript.
    const r = spawnSync(process.execPath, [COMPILED_MAIN, '--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /usage: lightstick serve/);
  });

  test('embedded mode: signup, join, send and receive over a real WebSocket', async () => {
    const dir = await tempDir();
    const trace = path.join(dir, 'modules.txt');
    const server = await spawnLightstick({ compiled: true, ...traced(trace) });
    try {
      await smoke(server.baseUrl, server.wsUrl, server.wsUrl);
      assert.equal((await server.stop()).code, 0);
      // The api role's HTTP face is Fastify (with Ajv and the TypeBox schemas), and its sign-up checks names
      // against Unicode's look-alike tables: the trace sees them all (and so would see them in a gateway).
      const packages = packagesOf(await inputsLoaded(trace));
      assert.ok(fastifyIn(packages).includes('fastify'));
      for (const p of ['unhomoglyph', 'ajv', '@sinclair/typebox']) assert.ok(packages.has(p), p);
    } finally {
      await server.kill('SIGKILL');
      await rm(server.dataDir, { recursive: true, force: true });
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('scale-out mode: an api and two gateway processes over Redis and PostgreSQL; the gateways never load Fastify nor the sign-in service', async () => {
    const dir = await tempDir();
    const trace = path.join(dir, 'gateway-modules.txt');
    const { nodeArgs, env } = traced(trace);
    // The environment reaches the api process too; only the gateways load the hook that records.
    const cluster = await startCluster({ gateways: 2, compiled: true, gatewayNodeArgs: nodeArgs, env });
    try {
      await smoke(cluster.api.baseUrl, cluster.wsUrls[0]!, cluster.wsUrls[1]!);
      for (const g of cluster.gateways) {
        for (const p of ['/healthz', '/readyz', '/metrics', '/nope'])
          await (await fetch(`${g.baseUrl}${p}`)).text();
      }
      // Stopped first: a process adds Node's own dependencies it loaded to the trace as it exits.
      for (const g of cluster.gateways) assert.equal((await g.stop()).code, 0);
      const inputs = await inputsLoaded(trace);
      const packages = packagesOf(inputs);
      // The trace holds what a gateway runs on (the WebSocket server, Redis, PostgreSQL) and no Fastify.
      for (const p of ['ws', 'ioredis', 'pg'])
        assert.ok(packages.has(p), `${p} in ${[...packages].join(', ')}`);
      assert.deepEqual(fastifyIn(packages), []);
      // Nor the sign-in service's look-alike name tables (the gateway built the service in every process, and
      // the migrations and the platform's moderation imported them), Ajv's compiler (the frame validators are
      // compiled ahead of time) or TypeBox (the limits it reads sat beside schemas): docs/benchmarks.md, "Stop 42".
      for (const p of ['unhomoglyph', '@sinclair/typebox'])
        assert.ok(!packages.has(p), `a gateway loaded ${p}: ${[...packages].join(', ')}`);
      // Of Ajv, only the run-time helpers its generated code calls (ajv/dist/runtime/).
      const ajv = [...inputs].filter((i) => /node_modules\/ajv\//.test(i));
      assert.deepEqual(
        ajv.filter((i) => !/node_modules\/ajv\/dist\/runtime\//.test(i)),
        [],
        'a gateway loaded Ajv',
      );
      // Nor Node's fetch (undici and its WebAssembly parser, ~9.6 MB): pg's Cloudflare probe built a `Response`
      // on Node 20, which has no `navigator` (src/node-compat.ts).
      const { deps, intl, date } = await atExit(trace);
      assert.equal(deps.length, cluster.gateways.length, 'each gateway wrote what it loaded as it exited');
      for (const line of deps) assert.doesNotMatch(line, /undici/, "a gateway loaded Node's fetch (undici)");
      // Nor an Intl.Segmenter (0.7 MB of ICU's break data; graphemes are counted by the protocol's `graphemes`),
      // though the smoke test's messages were counted, filtered and checked on these gateways.
      assert.equal(intl.length, cluster.gateways.length, 'each gateway wrote the Intl objects it built');
      for (const line of intl) assert.doesNotMatch(line, /Segmenter/, 'a gateway built an Intl.Segmenter');
      // Nor ICU's time-zone data (0.9 MB): log lines, `Date` headers, joins and sends print no instant through the
      // `Date` methods that map it (src/utc-time.ts).
      assert.equal(date.length, cluster.gateways.length, 'each gateway wrote its Date calls');
      for (const line of date)
        assert.equal(line, 'date-at-exit:', 'a gateway called a Date method that maps ICU');
    } finally {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
