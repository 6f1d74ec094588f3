// Builds the fan web app into dist/: content-hashed app and styles (cached for a year by the server),
// index.html that names them (revalidated on every load), the favicon and manifest, and a brotli and a gzip
// copy of every text file so the server answers compressed bytes without compressing per request.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
const dev = process.argv.includes('--dev');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
const result = await build({
  entryPoints: { app: join(root, 'src/main.tsx'), styles: join(root, 'styles.css') },
  outdir: dist,
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  // The workspace packages from their TypeScript sources (their default export points at a dist/ build).
  conditions: ['@lightstick/source'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  target: ['es2022'],
  // The live pages (hls.js alone is ~150 KB gzipped) load when opened: the chat screen stays small.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

const outputs = Object.keys(result.metafile.outputs).map((p) => p.split('/').at(-1));
const appJs = outputs.find((f) => f.startsWith('app-') && f.endsWith('.js'));
const css = outputs.find((f) => f.startsWith('styles-') && f.endsWith('.css'));
const html = (await readFile(join(root, 'index.html'), 'utf8'))
  .replace('./styles.css', `/${css}`)
  .replace('./app.js', `/${appJs}`);
await writeFile(join(dist, 'index.html'), html);
for (const f of ['favicon.svg', 'manifest.webmanifest'])
  await copyFile(join(root, 'public', f), join(dist, f));

// What the chat screen loads: index.html, styles, the app and every chunk it imports statically, transitively.
const outputOf = (file) =>
  result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith(`/${file}`))];
const chatScreen = new Set(['index.html', css]);
for (const todo = [appJs]; todo.length > 0;) {
  const f = todo.pop();
  if (chatScreen.has(f)) continue;
  chatScreen.add(f);
  for (const imp of outputOf(f)?.imports ?? [])
    if (imp.kind === 'import-statement') todo.push(imp.path.split('/').at(-1));
}
let gz = 0;
for (const f of await readdir(dist)) {
  if (!/\.(js|css|html|svg|webmanifest)$/.test(f)) continue;
  const body = await readFile(join(dist, f));
  const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  const gzip = gzipSync(body, { level: 9 });
  await writeFile(join(dist, `${f}.br`), br);
  await writeFile(join(dist, `${f}.gz`), gzip);
  if (chatScreen.has(f)) gz += gzip.length;
}
console.log(
  `web app built into ${dist} (${appJs}, ${css}; chat screen ${(gz / 1024).toFixed(1)} KB gzipped)`,
);
