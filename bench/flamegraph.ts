/**
 * Flame graphs of the gateways' CPU profiles (issue 6: "profile before and after every change, flame graphs in
 * docs/benchmarks.md or a linked file"). `--profile` leaves V8 `.cpuprofile` files, one per gateway; this folds
 * the samples of one or more of them, optionally only those inside a time window (a benchmark phase), into
 * stacks and draws them as one static SVG (Brendan Gregg's layout: the root at the bottom, a frame's width its
 * share of the busy samples, callers below callees, hover for the figures), which GitHub shows in the docs.
 *
 * Written by hand because nothing maintained does this in Node: speedscope and Chrome DevTools are interactive
 * viewers, 0x writes an HTML page from its own profiling, d3-flame-graph needs a browser DOM, and
 * flamegraph.pl (Perl) and inferno (Rust) are not in this project's toolchain. Folding and drawing are ~200
 * lines; the profile format is V8's (`nodes` with `callFrame` and `children`, `samples`, `timeDeltas`).
 *
 * `node --import tsx bench/flamegraph.ts <dir-or-.cpuprofile ...> [--out file.svg] [--title text]` draws
 * whole profiles; the benchmark draws one per phase itself (bench/live.ts).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** V8's CPU profile, as `node --cpu-prof` writes it (times in microseconds of the monotonic clock). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Samples by stack, frames from the root's child to the leaf joined by `;` (the "folded" format). */
export type Folded = Map<string, number>;

/** A window of the monotonic clock in microseconds (`process.hrtime.bigint() / 1000n`, V8's time base). */
export interface Window {
  fromUs: number;
  toUs: number;
}

/** One frame's label: the function and where it is (the bundle's file name and line), or the VM's own name. */
function label(f: CallFrame): string {
  const name = f.functionName || '(anonymous)';
  if (f.url === '') return name;
  const file = f.url.startsWith('node:') ? f.url : path.basename(f.url.replace(/^file:\/\//, ''));
  return `${name} ${file}:${f.lineNumber + 1}`;
}

/**
 * Adds the busy samples of `profile` taken inside `window` (all when absent) to `into`, by stack. `(idle)` is
 * left out: the graph is the share of the time the process worked. `(program)` and `(garbage collector)` stay,
 * as V8 reports them, directly under the root.
 */
export function foldProfile(profile: CpuProfile, into: Folded = new Map(), window?: Window): Folded {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<number, string | null>();
  const stackOf = (id: number): string | null => {
    const known = stacks.get(id);
    if (known !== undefined) return known;
    const frames: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      if (parent.get(at) === undefined) break; // the root
      frames.push(label(node.callFrame));
    }
    const stack = frames.length === 0 || frames[0] === '(idle)' ? null : frames.reverse().join(';');
    stacks.set(id, stack);
    return stack;
  };
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (window !== undefined && (t < window.fromUs || t > window.toUs)) continue;
    const stack = stackOf(profile.samples[i]!);
    if (stack !== null) into.set(stack, (into.get(stack) ?? 0) + 1);
  }
  return into;
}

/** The `.cpuprofile` files named, directories read for theirs. */
export function profileFiles(paths: readonly string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.cpuprofile'))
          .sort()
          .map((f) => path.join(p, f))
      : [p],
  );
}

/** Folds every file's samples (inside `window`) into one map: the engine's gateways together. */
export function foldFiles(files: readonly string[], window?: Window): Folded {
  const folded: Folded = new Map();
  for (const f of files) foldProfile(JSON.parse(readFileSync(f, 'utf8')) as CpuProfile, folded, window);
  return folded;
}

interface Frame {
  name: string;
  samples: number;
  children: Map<string, Frame>;
}

function tree(folded: Folded): Frame {
  const root: Frame = { name: 'all', samples: 0, children: new Map() };
  for (const [stack, n] of folded) {
    root.samples += n;
    let at = root;
    for (const name of stack.split(';')) {
      let child = at.children.get(name);
      if (child === undefined) at.children.set(name, (child = { name, samples: 0, children: new Map() }));
      child.samples += n;
      at = child;
    }
  }
  return root;
}

const ROW = 16;
const CHAR_PX = 6.6; // 11 px sans-serif, average advance: how many characters a frame's label may show
const PAD = 10;

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Warm colours for JavaScript (this project's and its packages'), grey for Node's internals, blue for the VM's. */
function colour(name: string, hash: number): string {
  const h = hash % 40;
  if (/^\((garbage collector|program)\)/.test(name)) return `hsl(210, 60%, ${70 + (h % 10)}%)`;
  if (/ node:/.test(name)) return `hsl(30, 10%, ${70 + (h % 15)}%)`;
  if (!name.includes(' ')) return `hsl(190, 50%, ${65 + (h % 15)}%)`; // native: writev, writeBuffer...
  return `hsl(${10 + h}, 85%, ${55 + (h % 12)}%)`;
}

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * Draws `folded` as an SVG flame graph `width` pixels wide. Frames narrower than `minPx` are left out (their
 * samples still count in their callers' widths), so a profile of millions of samples stays a small file.
 */
export function flameGraphSvg(
  folded: Folded,
  opts: { title: string; width?: number; minPx?: number; subtitle?: string },
): string {
  const width = opts.width ?? 1200;
  const minPx = opts.minPx ?? 0.5;
  const root = tree(folded);
  const inner = width - 2 * PAD;
  const scale = root.samples > 0 ? inner / root.samples : 0;
  const visible = (f: Frame) => f.samples * scale >= minPx;
  const depthOf = (f: Frame): number =>
    Math.max(0, ...[...f.children.values()].filter(visible).map((c) => 1 + depthOf(c)));
  const depth = depthOf(root);
  const top = 50;
  const height = top + (depth + 1) * ROW + PAD;
  const body: string[] = [];
  // Level 0 (all) at the bottom; a frame's callees above it, left to right by name.
  const draw = (f: Frame, x: number, level: number) => {
    if (!visible(f)) return;
    body.push(frameSvg(f, x, top + (depth - level) * ROW, f.samples * scale, root.samples));
    let cx = x;
    const kids = [...f.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const c of kids) {
      draw(c, cx, level + 1);
      cx += c.samples * scale;
    }
  };
  draw(root, PAD, 0);
  const sub = opts.subtitle ?? `${root.samples} busy samples`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`,
    ` font-family="Verdana, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fdfdf8"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15">${escapeXml(opts.title)}</text>`,
    `<text x="${width / 2}" y="38" text-anchor="middle" fill="#555">${escapeXml(sub)}</text>`,
    ...body,
    `</svg>`,
    '',
  ].join('\n');
}

function frameSvg(f: Frame, x: number, y: number, w: number, total: number): string {
  const pct = ((100 * f.samples) / total).toFixed(2);
  const tip = `${f.name} (${f.samples} samples, ${pct}%)`;
  const chars = Math.floor((w - 6) / CHAR_PX);
  const text =
    chars < 3 ? '' : f.name.length <= chars ? f.name : `${f.name.slice(0, Math.max(1, chars - 2))}..`;
  return (
    `<g><title>${escapeXml(tip)}</title>` +
    `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW - 1}" rx="2" ` +
    `fill="${colour(f.name, hashOf(f.name))}"/>` +
    (text === '' ? '' : `<text x="${(x + 3).toFixed(2)}" y="${y + 11.5}">${escapeXml(text)}</text>`) +
    `</g>`
  );
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i < 0 ? undefined : args.splice(i, 2)[1];
  };
  const out = flag('out') ?? 'flame.svg';
  const title = flag('title') ?? 'CPU flame graph';
  const files = profileFiles(args);
  if (files.length === 0) {
    console.error('usage: flamegraph.ts <dir-or-.cpuprofile ...> [--out file.svg] [--title text]');
    process.exit(2);
  }
  writeFileSync(out, flameGraphSvg(foldFiles(files), { title }));
  console.log(`flame graph of ${files.length} profile(s): ${out}`);
}
