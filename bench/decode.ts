/**
 * `npm run bench:decode`: the cost of decoding one client frame (`gateway/decode.ts`), the first step of the
 * send pipeline and of every frame a connection sends. A micro-benchmark in one process, no services: it
 * decodes a realistic mix (mostly `send`, then `pong`, `ping`, `join` with `since`, `auth`, and a few bad
 * frames) from Buffers as the ws library hands them over, and prints nanoseconds per frame for each kind and
 * for the mix, the median of several rounds after a warm-up. Figures are recorded in docs/benchmarks.md.
 */
import { decodeFrame } from '../packages/server/src/gateway/decode.ts';
import { nsPerOp, report } from './micro.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const PER_ROUND = Number(process.env.PER_ROUND ?? 200_000);

const frame = (v: unknown) => Buffer.from(JSON.stringify(v));
const KINDS: Record<string, Buffer> = {
  send: frame({
    op: 'send',
    id: 1234,
    room: '0190f1d2-7c4e-7b1a-9a55-3f1c2b4d5e6f',
    cid: 'k3x9-1',
    text: '사랑해요 💜 see you at the show tonight!',
  }),
  pong: frame({ op: 'pong' }),
  ping: frame({ op: 'ping', id: 77 }),
  join: frame({
    op: 'join',
    id: 12,
    room: '0190f1d2-7c4e-7b1a-9a55-3f1c2b4d5e6f',
    since: { epoch: '9b2e4c1a-0d3f-4e5a-8b7c-6d5e4f3a2b1c', offset: 41 },
  }),
  auth: frame({
    op: 'auth',
    id: 1,
    token: 'eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.' + 'x'.repeat(300) + '.' + 'y'.repeat(86),
  }),
  extraFields: frame({ op: 'send', id: 9, room: 'r1', cid: 'c1', text: 'hi', junk: { deep: [1, 2, 3] } }),
  unknownOp: frame({ op: 'teleport', id: 5 }),
  badType: frame({ op: 'send', id: 6, room: 'r1', cid: 7, text: 'x' }),
};
/** Weights of the mix: a busy room is mostly sends and heartbeats. */
const MIX: [string, number][] = [
  ['send', 80],
  ['pong', 8],
  ['ping', 4],
  ['join', 4],
  ['auth', 2],
  ['extraFields', 1],
  ['unknownOp', 0.5],
  ['badType', 0.5],
];

const mix: Buffer[] = [];
for (const [kind, weight] of MIX) for (let i = 0; i < weight * 2; i++) mix.push(KINDS[kind]!);
// Shuffled (a fixed seed, so every run decodes the same sequence): not a run of one kind after another.
let seed = 42;
for (let i = mix.length - 1; i > 0; i--) {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  const j = seed % (i + 1);
  [mix[i], mix[j]] = [mix[j]!, mix[i]!];
}

const suites: [string, Buffer[]][] = [
  ['mix', mix],
  ...Object.entries(KINDS).map(([k, b]) => [k, [b]] as [string, Buffer[]]),
];
const decodeOne = (frames: Buffer[]) => (i: number) => decodeFrame(frames[i % frames.length]!, false).ok;
for (const [, frames] of suites) nsPerOp(PER_ROUND, decodeOne(frames)); // warm-up: compile and optimise every path
console.log(`decodeFrame, ns per frame (median of ${ROUNDS} rounds of ${PER_ROUND}):`);
for (const [name, frames] of suites) console.log(report(name, ROUNDS, PER_ROUND, decodeOne(frames)));
