/**
 * The benchmark's flame graphs (bench/flamegraph.ts): V8 CPU profiles folded into stacks, only the samples of a
 * phase's window, idle left out, several gateways merged, and an SVG whose frame widths are the samples' shares.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  flameGraphSvg,
  foldFiles,
  foldProfile,
  profileFiles,
  type CpuProfile,
} from '../../../../bench/flamegraph.ts';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber });

/**
 * root -> send (main.js:10) -> commit <tag> (main.js:20); root -> (garbage collector); root -> (idle).
 * Samples, 1 ms apart from t=1000: send, commit, commit, idle, gc, commit.
 */
function profile(startTime = 0): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4, 5] },
      { id: 2, callFrame: frame('send', 'file:///srv/dist/main.js', 9), children: [3] },
      { id: 3, callFrame: frame('commit <tag>', 'file:///srv/dist/main.js', 19) },
      { id: 4, callFrame: frame('(garbage collector)') },
      { id: 5, callFrame: frame('(idle)') },
    ],
    startTime,
    endTime: startTime + 7000,
    samples: [2, 3, 3, 5, 4, 3],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
  };
}

test('folds busy samples by stack, root to leaf, with the file and line; idle is left out', () => {
  const folded = foldProfile(profile());
  assert.deepEqual(
    Object.fromEntries(folded),
    {
      'send main.js:10': 1,
      'send main.js:10;commit <tag> main.js:20': 3,
      '(garbage collector)': 1,
    },
    'six samples, one idle',
  );
});

test('a window keeps only the samples taken inside it (one phase of a run)', () => {
  // Sample times: 1000, 2000, ..., 6000 µs. The window 2000-5000 holds commit, commit, idle, gc.
  const folded = foldProfile(profile(), new Map(), { fromUs: 2000, toUs: 5000 });
  assert.deepEqual(Object.fromEntries(folded), {
    'send main.js:10;commit <tag> main.js:20': 2,
    '(garbage collector)': 1,
  });
});

test("several gateways' profiles in a directory fold into one graph", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flame-'));
  writeFileSync(path.join(dir, 'CPU.1.cpuprofile'), JSON.stringify(profile()));
  writeFileSync(path.join(dir, 'CPU.2.cpuprofile'), JSON.stringify(profile()));
  writeFileSync(path.join(dir, 'flame-live.svg'), '<svg/>');
  const files = profileFiles([dir]);
  assert.equal(files.length, 2, 'only the .cpuprofile files');
  const folded = foldFiles(files);
  assert.equal(folded.get('send main.js:10;commit <tag> main.js:20'), 6);
  assert.equal(folded.get('(garbage collector)'), 2);
  rmSync(dir, { recursive: true, force: true });
});

test('the SVG draws each frame as wide as its share of the busy samples, names escaped, tiny frames left out', () => {
  const folded = new Map([
    ['send main.js:10;commit <tag> main.js:20', 3],
    ['send main.js:10', 1],
    ['(garbage collector)', 1],
    ['rare main.js:30', 0.0001],
  ]);
  const svg = flameGraphSvg(folded, { title: 'live <20k>', width: 1020 });
  const widthOf = (name: string) => {
    const m = new RegExp(`<title>${name} \\([^)]*\\)</title><rect x="[^"]+" y="[^"]+" width="([^"]+)"`).exec(
      svg,
    );
    assert.ok(m, `${name} is drawn`);
    return Number(m[1]);
  };
  // 1 000 px inside the 10 px margins, 5.0001 samples in all.
  assert.ok(Math.abs(widthOf('all') - 1000) < 0.01);
  assert.ok(Math.abs(widthOf('send main.js:10') - (4 / 5.0001) * 1000) < 0.01);
  assert.ok(Math.abs(widthOf('commit &#60;tag&#62; main.js:20') - (3 / 5.0001) * 1000) < 0.01);
  assert.ok(Math.abs(widthOf('\\(garbage collector\\)') - (1 / 5.0001) * 1000) < 0.01);
  assert.ok(!svg.includes('rare main.js'), 'a frame narrower than half a pixel is not drawn');
  assert.ok(svg.includes('live &#60;20k&#62;'), 'the title is escaped');
  // A callee sits one row above its caller: the root at the bottom.
  const y = (name: string) =>
    Number(new RegExp(`<title>${name} \\([^)]*\\)</title><rect x="[^"]+" y="([^"]+)"`).exec(svg)![1]);
  assert.equal(y('all') - y('send main.js:10'), 16);
  assert.equal(y('send main.js:10') - y('commit &#60;tag&#62; main.js:20'), 16);
});
