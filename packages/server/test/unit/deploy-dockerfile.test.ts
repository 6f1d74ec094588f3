/**
 * deploy/Dockerfile and .dockerignore, read with a tiny instruction parser (Docker cannot run on the test
 * machine): multi-stage, a final stage without build tools running as a non-root user, the right entry point,
 * and a build stage that installs every workspace and compiles the server (no TypeScript loader at run time).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALLOCATOR_ENV } from '../../src/config/allocator-env.ts';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Joins `\` continuations, drops comments and blank lines, splits `OP args`. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (buffer === '' && (line === '' || line.startsWith('#'))) return;
    if (buffer !== '' && line.startsWith('#')) return; // comments inside a continued instruction
    if (buffer === '') start = i + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    const full = buffer + line;
    buffer = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m) out.push({ op: (m[1] as string).toUpperCase(), args: m[2] as string, line: start });
  });
  assert.equal(buffer, '', 'Dockerfile ends inside a continued line');
  return out;
}

/** Splits at FROM; instructions before the first FROM (global ARGs) come back separately. */
function stages(all: Instruction[]): { globals: Instruction[]; stages: Instruction[][] } {
  const globals: Instruction[] = [];
  const list: Instruction[][] = [];
  for (const ins of all) {
    if (ins.op === 'FROM') list.push([ins]);
    else (list.at(-1) ?? globals).push(ins);
  }
  return { globals, stages: list };
}

const exec = (ins: Instruction | undefined): unknown => JSON.parse(ins?.args ?? 'null');
const BUILD_TOOLS = /(^|\s)(g\+\+|gcc|make|python3?|build-essential|node-gyp)(?=\s|$)/;

const dockerfile = parseDockerfile(readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8'));
const { globals, stages: all } = stages(dockerfile);
const final = all.at(-1) ?? [];
const build = all[0] ?? [];

describe('deploy/Dockerfile', () => {
  test('the parser joins continuations and skips comments', () => {
    const parsed = parseDockerfile('# c\nFROM a AS b\nRUN x \\\n  # inner\n  && y\n\nCMD ["z"]\n');
    assert.deepEqual(
      parsed.map((i) => [i.op, i.args]),
      [
        ['FROM', 'a AS b'],
        ['RUN', 'x  && y'],
        ['CMD', '["z"]'],
      ],
    );
  });

  test('is multi-stage, both stages on the same supported Node LTS (20 or 22) bookworm-slim, pinned by minor', () => {
    assert.ok(all.length >= 2, `${all.length} FROM`);
    const arg = globals.find((i) => i.op === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    const resolve = (image: string) => image.replace('${NODE_IMAGE}', arg?.args.split('=')[1] ?? '');
    const images = [build, final].map((stage) => resolve((stage[0]?.args ?? '').split(/\s+/)[0] ?? ''));
    assert.match(images[0] ?? '', /^node:(20|22)\.\d+-bookworm-slim$/);
    assert.equal(images[1], images[0]);
  });

  test('the build stage installs the build tools, every workspace, builds the web app and prunes dev deps', () => {
    const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);
    assert.ok(
      runs.some((r) => /apt-get install/.test(r) && ['python3', 'make', 'g++'].every((t) => r.includes(t))),
    );
    assert.ok(runs.some((r) => /\bnpm ci\b/.test(r)));
    assert.ok(runs.some((r) => /\bnpm run build\b/.test(r)));
    assert.ok(runs.some((r) => /\bnpm prune --omit=dev\b/.test(r)));
    const workspaces = (
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    const copied = build.filter((i) => i.op === 'COPY').map((i) => i.args);
    for (const ws of workspaces) {
      assert.ok(
        copied.some((c) => c.startsWith(`${ws}/package.json `)),
        `${ws}/package.json before npm ci`,
      );
    }
  });

  test('the image runs the compiled server: dist is copied, no TypeScript sources, no tsx needed', () => {
    const runs = build.filter((i) => i.op === 'RUN').map((i) => i.args);
    assert.ok(runs.some((r) => r.includes('test -f packages/server/dist/server/main.js')));
    assert.ok(runs.some((r) => /cp -a [^&]*packages\/server\/dist/.test(r)));
    assert.ok(
      !runs.some((r) => /packages\/\$p\/src|packages\/server\/src/.test(r)),
      'no sources in the image',
    );
    const server = JSON.parse(readFileSync(path.join(ROOT, 'packages/server/package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(server.dependencies.tsx, undefined, 'tsx is for development only');
    assert.equal(server.scripts.build, 'node build.mjs');
  });

  test('the final stage has no build tools, copies only from the build stage and runs as a non-root user', () => {
    for (const ins of final.filter((i) => i.op === 'RUN')) {
      assert.ok(!/apt-get install|apk add/.test(ins.args) || !BUILD_TOOLS.test(ins.args), `line ${ins.line}`);
    }
    for (const ins of final.filter((i) => i.op === 'COPY' || i.op === 'ADD')) {
      assert.match(ins.args, /--from=build\b/, `line ${ins.line} copies from the build context`);
    }
    const user =
      final.filter((i) => i.op === 'USER').at(-1)?.args ?? assert.fail('no USER in the final stage');
    const uid = user.split(':')[0] ?? '';
    assert.match(uid, /^\d+$/, 'numeric, so Kubernetes runAsNonRoot can verify it');
    assert.notEqual(Number(uid), 0);
  });

  test('the entry point runs the lightstick command directly (node is PID 1 and gets SIGTERM)', () => {
    assert.deepEqual(exec(final.find((i) => i.op === 'ENTRYPOINT')), [
      'node',
      'packages/server/bin/lightstick.mjs',
    ]);
    assert.deepEqual(exec(final.find((i) => i.op === 'CMD')), ['serve']);
    assert.ok(final.some((i) => i.op === 'EXPOSE' && i.args.split(/\s+/).includes('8080')));
    assert.ok(final.some((i) => i.op === 'ENV' && /LIGHTSTICK_DATA_DIR=\/data\b/.test(i.args)));
  });

  test("the runtime stage starts the server with the allocator's settings (config/allocator-env.ts)", () => {
    // ENV a=1 b=2 on one instruction (the form the Dockerfile uses): every pair the final stage sets.
    const set = new Map(
      final
        .filter((i) => i.op === 'ENV')
        .flatMap((i) => i.args.split(/\s+/).map((pair) => pair.split('=') as [string, string])),
    );
    for (const [name, value] of Object.entries(ALLOCATOR_ENV)) assert.equal(set.get(name), value, name);
  });

  test('.dockerignore keeps local dependencies, builds and data out of the context', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const p of ['**/node_modules', 'packages/web/dist', 'data', '.git'])
      assert.ok(ignored.includes(p), p);
    for (const p of ['package.json', 'package-lock.json', 'packages']) assert.ok(!ignored.includes(p), p);
  });
});
