#!/usr/bin/env node
// The test tiers, run with Node's own test runner (one summary for the whole run):
//   unit         no services, no browser: unit/, conformance/ (embedded implementations), regression/, inprocess/
//   integration  Redis on 127.0.0.1:6379 and PostgreSQL on 127.0.0.1:5432 (trust, database `test`): integration/
//   e2e          processes, Chromium, ffmpeg, Prometheus (and the services above): e2e/
//   all          every tier (`npm test`)
// `node scripts/test.mjs <tier> [file ...]` runs only the given files. Nothing is installed here: `.ci/run`
// installs what the tests need on a new machine, `scripts/dev-setup.sh` does it for a developer.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const testRoot = path.join(root, 'packages/server/test');
const TIERS = {
  unit: ['unit', 'conformance', 'regression', 'inprocess'],
  integration: ['integration'],
  e2e: ['e2e'],
};

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

function reachable(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
  });
}

const [tier = 'all', ...only] = process.argv.slice(2);
const tiers = tier === 'all' ? Object.keys(TIERS) : [tier];
if (!tiers.every((t) => t in TIERS)) {
  console.error(`unknown tier "${tier}"; tiers: ${Object.keys(TIERS).join(', ')}, all`);
  process.exit(2);
}
if (tiers.some((t) => t !== 'unit')) {
  // A tier that needs services says so at once instead of failing test by test.
  const missing = [];
  if (!(await reachable(6379))) missing.push('Redis on 127.0.0.1:6379');
  if (!(await reachable(5432))) missing.push('PostgreSQL on 127.0.0.1:5432');
  if (missing.length > 0) {
    console.error(
      `The ${tier} tests need ${missing.join(' and ')}: run scripts/dev-setup.sh (Debian) first.`,
    );
    process.exit(1);
  }
}
const files =
  only.length > 0
    ? only
    : tiers.flatMap((t) => TIERS[t].flatMap((d) => findTests(path.join(testRoot, d)))).sort();
if (files.length === 0) {
  console.error(`no test files found for tier ${tier}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--conditions=@lightstick/source',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=300000',
    ...files,
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LIGHTSTICK_TEST: '1' } },
);
process.exit(result.status ?? 1);
