/**
 * Inside the repository the workspace packages run from their TypeScript sources, with no build: the
 * `@lightstick/source` export condition, given as a node flag by the scripts and added by a resolve hook in
 * bin/lightstick.mjs (where no flag can be given), points them at src/index.ts. Without it they resolve to dist/,
 * as for published consumers (test/e2e/sdk-pack.test.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../support/harness.ts';

const PACKAGES = ['@lightstick/protocol', '@lightstick/client'];
const HOOK = pathToFileURL(path.join(REPO_ROOT, 'packages/server/bin/source-condition.mjs')).href;

function resolveAll(flags: string[], prelude = ''): string[] {
  const script = `${prelude}\nfor (const p of ${JSON.stringify(PACKAGES)}) console.log(import.meta.resolve(p));`;
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

const sources = PACKAGES.map(
  (p) => pathToFileURL(path.join(REPO_ROOT, 'packages', p.split('/')[1]!, 'src/index.ts')).href,
);

describe('the @lightstick/source export condition', () => {
  test('--conditions=@lightstick/source resolves the workspace packages to src/index.ts', () => {
    assert.deepEqual(resolveAll(['--conditions=@lightstick/source']), sources);
  });

  test("the bin's resolve hook does the same without a flag", () => {
    const prelude = `import { register } from 'node:module'; register(${JSON.stringify(HOOK)});`;
    assert.deepEqual(resolveAll([], prelude), sources);
  });
});
