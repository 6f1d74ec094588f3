/** Log-scale latency histograms (about 4.4 % per bucket, 0 ms to minutes): cheap to fill, merge and ship over IPC. */
export const BUCKETS = 320;
const PER_OCTAVE = 16;

export const bucketOf = (ms: number) =>
  Math.min(BUCKETS - 1, Math.max(0, Math.floor(Math.log2(1 + Math.max(0, ms)) * PER_OCTAVE)));
/** The upper edge of a bucket, in ms. */
export const bucketMs = (i: number) => 2 ** ((i + 1) / PER_OCTAVE) - 1;

export const newHist = () => new Array<number>(BUCKETS).fill(0);

export function mergeInto(into: number[], from: readonly number[]): number[] {
  for (let i = 0; i < BUCKETS; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
  return into;
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
/** The samples a histogram holds. */
export const count = sum;

/** The p-th percentile (0-100) in ms, NaN when empty. */
export function pct(h: readonly number[], p: number): number {
  const n = count(h);
  if (n === 0) return NaN;
  const want = Math.ceil((p / 100) * n);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h[i] ?? 0;
    if (seen >= want) return +bucketMs(i).toFixed(1);
  }
  return +bucketMs(BUCKETS - 1).toFixed(1);
}

/** The largest recorded value's bucket edge, ms. */
export function maxOf(h: readonly number[]): number {
  for (let i = BUCKETS - 1; i >= 0; i--) if ((h[i] ?? 0) > 0) return +bucketMs(i).toFixed(1);
  return NaN;
}
