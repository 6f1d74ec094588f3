/**
 * The SDK as a user gets it from npm: both packages are built and packed (`npm pack`), the tarballs are installed
 * into a fresh folder outside the repository, and from there the client README's Node example signs up,
 * connects, joins a room, sends and hears its message back from a running Lightstick (started with the
 * `lightstick` command), and TypeScript type-checks the protocol README's example and a file using the types.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, spawnLightstick, tempDir, type Spawned } from '../support/harness.ts';

const run = promisify(execFile);
/** npm builds (tsc) and installs from the registry; a busy machine makes both slow. */
const NPM_TIMEOUT_MS = 240_000;

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** The fenced block of `lang` that follows the `heading` line of a markdown file. */
function codeBlock(markdown: string, heading: string, lang: string): string {
  const at = markdown.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has "${heading}"`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(markdown.slice(at));
  assert.ok(m?.[1], `a ${lang} block under "${heading}"`);
  return m[1];
}

describe('the packed SDK, installed outside the repository', () => {
  let dir: string;
  let app: string;
  let packs: PackResult[];
  let server: Spawned | undefined;

  before(async () => {
    dir = await tempDir('lightstick-sdk-');
    const packDir = path.join(dir, 'packs');
    app = path.join(dir, 'app');
    await mkdir(packDir);
    await mkdir(app);
    const packed = await run(
      'npm',
      [
        'pack',
        '-w',
        '@lightstick/protocol',
        '-w',
        '@lightstick/client',
        '--json',
        '--pack-destination',
        packDir,
      ],
      { cwd: REPO_ROOT, timeout: NPM_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
    );
    // Lifecycle scripts (prepack builds) print before the JSON.
    packs = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as PackResult[];
    await writeFile(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'sdk-user', private: true, type: 'module' }),
    );
    const tarballs = packs.map((p) => path.join(packDir, p.filename));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'ws@^8'], {
      cwd: app,
      timeout: NPM_TIMEOUT_MS,
    });
    server = await spawnLightstick({ viaBin: true });
  });
  after(async () => {
    await server?.stop();
    if (server) await rm(server.dataDir, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  test('each tarball holds the build, its declarations, the README and nothing of the tests', () => {
    assert.deepEqual(packs.map((p) => p.name).sort(), ['@lightstick/client', '@lightstick/protocol']);
    for (const p of packs) {
      const files = p.files.map((f) => f.path);
      for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']) {
        assert.ok(files.includes(f), `${p.name} packs ${f}`);
      }
      assert.deepEqual(
        files.filter((f) => !/^(dist|src)\/|^(package\.json|README\.md)$/.test(f)),
        [],
        `${p.name} packs nothing else`,
      );
    }
  });

  test('resolves to the installed dist/ builds, not to the repository', async () => {
    for (const name of ['@lightstick/protocol', '@lightstick/client']) {
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', `console.log(import.meta.resolve('${name}'))`],
        { cwd: app },
      );
      assert.equal(stdout.trim(), `file://${path.join(app, 'node_modules', name, 'dist/index.js')}`);
    }
  });

  test("the client README's Node example signs up, joins, sends and hears its message", async () => {
    const readme = await readFile(path.join(app, 'node_modules/@lightstick/client/README.md'), 'utf8');
    await writeFile(path.join(app, 'example.mjs'), codeBlock(readme, '## In Node', 'js'));
    const { stdout } = await run(process.execPath, ['example.mjs'], {
      cwd: app,
      timeout: 60_000,
      env: { ...process.env, LIGHTSTICK_URL: server!.baseUrl },
    });
    assert.match(stdout, /^stored at 1, heard back: hello from Node 💜$/m);
  });

  test("the types resolve: the protocol README's example and a typed use of both packages compile", async () => {
    const readme = await readFile(path.join(app, 'node_modules/@lightstick/protocol/README.md'), 'utf8');
    await writeFile(
      path.join(app, 'protocol-example.ts'),
      codeBlock(readme, '## Example (browser and Node)', 'ts'),
    );
    await writeFile(
      path.join(app, 'typed.ts'),
      [
        "import { ApiClient, RealtimeClient, type SendResult } from '@lightstick/client';",
        "import { ChatMessage, ErrorCode, type ServerFrame } from '@lightstick/protocol';",
        "import type { Static } from '@sinclair/typebox';",
        '',
        "const api = new ApiClient({ baseUrl: 'http://127.0.0.1:8080' });",
        "const rt = new RealtimeClient({ url: 'ws://127.0.0.1:8080/ws', getToken: (o) => api.getAccessToken(o) });",
        "rt.on('messages', ({ messages }) => messages.forEach((m: Static<typeof ChatMessage>) => m.pos.offset));",
        "export const sent: Promise<SendResult> = rt.send('room', 'hi');",
        'export const code: ErrorCode = ErrorCode.RateLimited;',
        '// @ts-expect-error: not a code of the registry (so the types are not `any`)',
        "export const bad: ErrorCode = 'nope';",
        'export const codeOf = (f: ServerFrame): ErrorCode | undefined => (f.t === "error" ? f.code : undefined);',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          strict: true,
          noEmit: true,
          types: [],
        },
        files: ['protocol-example.ts', 'typed.ts'],
      }),
    );
    const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, timeout: 120_000 }).catch(
      (err: { stdout?: string }) => assert.fail(`tsc failed:\n${err.stdout ?? String(err)}`),
    );
  });
});
