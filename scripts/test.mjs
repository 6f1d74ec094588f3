#!/usr/bin/env node
// `npm test`: makes sure the machine has what the tests need (Debian packages, running PostgreSQL),
// then runs every test file with node's own test runner. Format, lint, typecheck and the web build run
// before this as the `pretest` script.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ensureSystem } from './system-deps.mjs';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const testRoot = path.join(root, 'packages/server/test');

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

await ensureSystem();
const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests(testRoot).sort();
if (files.length === 0) {
  console.error('no test files found under packages/server/test');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LIGHTSTICK_TEST: '1' } },
);
process.exit(result.status ?? 1);
