/**
 * The micro-benchmarks' measuring loop (`npm run bench:decode`, `npm run bench:text`): nanoseconds per operation
 * over one round, and the median of several rounds, so both report the same way.
 */

/** Runs `op(i)` for i = 0 … perRound - 1 and returns nanoseconds per call; what `op` returns keeps it live. */
export function nsPerOp(perRound: number, op: (i: number) => unknown): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < perRound; i++) if (op(i)) sink++;
  const ns = Number(process.hrtime.bigint() - start) / perRound;
  if (sink < 0) console.log(sink); // keeps the loop from being optimised away
  return ns;
}

/** `rounds` rounds of `nsPerOp`: one line with the median, the lowest and the highest. */
export function report(name: string, rounds: number, perRound: number, op: (i: number) => unknown): string {
  const runs = Array.from({ length: rounds }, () => nsPerOp(perRound, op));
  const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return `  ${name.padEnd(16)} ${median.toFixed(0).padStart(7)} ns   (min ${Math.min(...runs).toFixed(0)}, max ${Math.max(...runs).toFixed(0)})`;
}
