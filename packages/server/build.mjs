// Compiles the server into dist/ with esbuild, so it runs on plain Node with no TypeScript loader at run time
// (issue 6, part 6: the loader alone held about 120 MB per idle process and slowed every start).
// One ESM bundle with code splitting (lazily imported seams, e.g. Redis, stay separate chunks and load only
// when used). The workspace packages (@lightstick/protocol) are bundled from their sources through the
// `@lightstick/source` condition. Native modules and packages that load their own files at run time stay
// external and come from node_modules as before.
// The entry lands in dist/server/main.js, at the same depth as src/config/load.ts, so the relative paths the
// sources compute from import.meta.url (the web app's dist folder) hold in the build too.
import { build } from 'esbuild';
import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const outdir = join(root, 'dist/server');

/** Kept out of the bundle: native addons, and packages that require their own files by path at run time. */
export const EXTERNAL = [
  'better-sqlite3',
  'argon2',
  'pg-native',
  'node-media-server',
  // Loaded with require() on first use (src/chat/language.ts), so it never sits in an idle process.
  'tinyld',
  // Optional peers that ioredis, pg, fastify or ws probe for with require() inside try/catch.
  'bufferutil',
  'utf-8-validate',
  'cpu-features',
  'ssh2',
];

await rm(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: join(root, 'src/main.ts') },
  outdir,
  // Paths in the metafile are relative to this package, wherever the build is started from.
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: ['node20'],
  conditions: ['@lightstick/source'],
  external: EXTERNAL,
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __lsCreateRequire } from 'node:module'; const require = __lsCreateRequire(import.meta.url);",
  },
  // Whitespace and syntax only: names stay readable in stack traces. This also drops comments, some of them
  // in Korean and Japanese, which would make V8 hold the whole source as a two-byte string (twice the memory).
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});
// Which sources and packages each chunk holds: tests read it to tell what a process loaded (a gateway-only
// process never loads Fastify), and it answers "why is this chunk so big" (esbuild's analyzer reads it too).
await writeFile(join(root, 'dist/meta.json'), JSON.stringify(result.metafile));
console.log(`server built into ${outdir}`);
