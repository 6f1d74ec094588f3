/**
 * `npm run bench:text`: what the send path's text checks cost per chat line: the length limit and normal form
 * (`chat/text.ts` normaliseText, which counts graphemes), the community's word filter with the built-in list
 * (`moderation/filter`: folding walks graphemes, a hit masks grapheme by grapheme) and the emote-only check.
 * A micro-benchmark in one process, no services, over the ordinary Korean, Japanese and English fan chat of the
 * test corpus plus its evasions (which the filter masks); prints nanoseconds per line for each check and for
 * all three, the median of several rounds after a warm-up. Figures are recorded in docs/benchmarks.md.
 */
import { normaliseText } from '../packages/server/src/chat/text.ts';
import { DEFAULT_SETTINGS, compile } from '../packages/server/src/moderation/filter/filter-settings.ts';
import { isEmoteOnly } from '../packages/server/src/moderation/emote.ts';
import { graphemeLength } from '@lightstick/protocol';
import {
  EVASIONS,
  ORDINARY_EN,
  ORDINARY_JA,
  ORDINARY_KO,
} from '../packages/server/test/support/chat-corpus.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PER_ROUND = Number(process.env.PER_ROUND ?? 50_000);

const lines = [...ORDINARY_KO, ...ORDINARY_JA, ...ORDINARY_EN, ...EVASIONS.map((e) => e.text)];
const filter = compile(DEFAULT_SETTINGS);

const checks: [string, (text: string) => unknown][] = [
  ['graphemeLength', graphemeLength],
  ['normaliseText', normaliseText],
  ['word filter', (t) => filter.check(t)],
  ['emote-only', isEmoteOnly],
  ['all three', (t) => [normaliseText(t), filter.check(t), isEmoteOnly(t)]],
];

function nsPerLine(check: (text: string) => unknown): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < PER_ROUND; i++) if (check(lines[i % lines.length]!)) sink++;
  const ns = Number(process.hrtime.bigint() - start) / PER_ROUND;
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return ns;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

for (const [, check] of checks) nsPerLine(check); // warm-up: compile and optimise every path
const chars = lines.reduce((n, l) => n + graphemeLength(l), 0) / lines.length;
console.log(
  `send-path text checks, ns per line (${lines.length} lines, ${chars.toFixed(0)} characters on average; median of ${ROUNDS} rounds of ${PER_ROUND}):`,
);
for (const [name, check] of checks) {
  const runs = Array.from({ length: ROUNDS }, () => nsPerLine(check));
  console.log(
    `  ${name.padEnd(16)} ${median(runs).toFixed(0).padStart(7)} ns   (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)})`,
  );
}
