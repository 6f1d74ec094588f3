/**
 * On Node 20, loading pg loaded Node's whole fetch implementation. pg asks at load whether it runs in a Cloudflare
 * Worker: it reads `navigator.userAgent`, and where there is no `navigator` (Node before 21) it builds a
 * `Response`, whose first touch makes Node load undici with its WebAssembly HTTP parser: about 9.6 MB of RSS in
 * every gateway and api process, for a client that never fetches (docs/benchmarks.md, "Stop 42"). The server's
 * entry now defines the `navigator` Node 21+ has (src/node-compat.ts), so pg stops at its first question.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSX_ARGS } from '../support/harness.ts';

const COMPAT = fileURLToPath(new URL('../../src/node-compat.ts', import.meta.url));
const NODE_HAS_NAVIGATOR = 'navigator' in globalThis;

/** Runs an ES module script in a fresh process with the TypeScript loader; its output. */
function run(script: string): string {
  const r = spawnSync(process.execPath, [...TSX_ARGS, '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Loads pg in a fresh process (after `defineNodeNavigator()` when asked): whether Node's fetch got loaded. */
function pgLoadsFetch(withNavigator: boolean): boolean {
  const output = run(`
    import { defineNodeNavigator } from ${JSON.stringify(COMPAT)};
    if (${withNavigator}) defineNodeNavigator();
    await import('pg');
    console.log(process.moduleLoadList.some((m) => m.includes('internal/deps/undici')));`);
  return output === 'true';
}

test("loading pg does not load Node's fetch once the entry has defined navigator", () => {
  assert.equal(pgLoadsFetch(true), false);
});

test(
  'without it, pg on Node 20 loads fetch (what the entry works around)',
  { skip: NODE_HAS_NAVIGATOR && 'this Node defines navigator itself' },
  () => {
    assert.equal(pgLoadsFetch(false), true);
  },
);

test('a newer Node keeps its own navigator', () => {
  const output = run(`
    import { defineNodeNavigator } from ${JSON.stringify(COMPAT)};
    const before = globalThis.navigator;
    defineNodeNavigator();
    console.log(JSON.stringify({ same: before === undefined || globalThis.navigator === before, ua: navigator.userAgent, cores: navigator.hardwareConcurrency > 0 }));`);
  assert.deepEqual(JSON.parse(output), {
    same: true,
    ua: `Node.js/${process.versions.node.split('.')[0]}`,
    cores: true,
  });
});
