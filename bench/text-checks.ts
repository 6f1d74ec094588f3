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
import { nsPerOp, report } from './micro.ts';
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

const line = (check: (text: string) => unknown) => (i: number) => check(lines[i % lines.length]!);
for (const [, check] of checks) nsPerOp(PER_ROUND, line(check)); // warm-up: compile and optimise every path
const chars = lines.reduce((n, l) => n + graphemeLength(l), 0) / lines.length;
console.log(
  `send-path text checks, ns per line (${lines.length} lines, ${chars.toFixed(0)} characters on average; median of ${ROUNDS} rounds of ${PER_ROUND}):`,
);
for (const [name, check] of checks) console.log(report(name, ROUNDS, PER_ROUND, line(check)));
