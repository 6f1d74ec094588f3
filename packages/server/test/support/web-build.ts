/**
 * The fan web app's build for the Chromium tests. `npm test` builds it once before the tiers (pretest); a
 * test file run on its own builds it when a source is newer than the build. The runner runs two files at a
 * time and a build replaces dist/ wholesale (a server serving from it meanwhile answers files that are not
 * there), so a build takes a lock directory, and a file that finds the build fresh never rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './harness.ts';

const WEB = path.join(REPO_ROOT, 'packages/web');
const BUILT = path.join(WEB, 'dist', 'index.html');
const LOCK = path.join(WEB, '.build-lock');
// The SDK and protocol too: the app bundles their sources, so a change there must rebuild it.
const SOURCES = [
  'src',
  'public',
  'styles.css',
  'index.html',
  'build.mjs',
  '../client/src',
  '../protocol/src',
];
/** A lock older than this was left by a killed process. */
const STALE_LOCK_MS = 5 * 60_000;

function newest(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, f) => Math.max(m, newest(path.join(p, f))), s.mtimeMs);
}

function fresh(): boolean {
  if (!existsSync(BUILT)) return false;
  const built = statSync(BUILT).mtimeMs;
  return SOURCES.every((s) => !existsSync(path.join(WEB, s)) || newest(path.join(WEB, s)) <= built);
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Builds packages/web/dist unless it is up to date with its sources. */
export function ensureWebBuilt(): void {
  if (fresh()) return;
  for (const deadline = Date.now() + 300_000; ; pause(250)) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`the web build lock ${LOCK} was held too long`);
    }
  }
  try {
    if (!fresh()) execFileSync(process.execPath, [path.join(WEB, 'build.mjs')], { stdio: 'inherit' });
  } finally {
    rmSync(LOCK, { force: true, recursive: true });
  }
}
