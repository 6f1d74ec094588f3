/**
 * Characters as a person sees them (extended grapheme clusters, UAX #29): what every length limit counts and what
 * the server's word filter and emote check walk. Defined once here, so the web app, the client and the server
 * count the same text the same way.
 *
 * Counted by `unicode-segmenter` rather than `Intl.Segmenter`: the same rules and the same Unicode version as
 * Node 20's ICU (17.0; the unit test compares both), but an average chat line is counted in about 60 ns against
 * 8 µs (Intl.Segmenter builds a break iterator and a segment object per call; `npm run bench:text`), and building
 * one `Intl.Segmenter` makes a process map about 0.7 MB of ICU's break-iterator and locale data that an idle
 * gateway held for nothing (issue 6; docs/benchmarks.md, "Stop 43"). It also keeps a browser whose ICU is older
 * or newer than the server's from counting a new emoji differently.
 */
import { countGraphemes, graphemeSegments } from 'unicode-segmenter/grapheme';

/** One grapheme cluster of a text: the cluster and its UTF-16 index in the text. */
export interface Grapheme {
  segment: string;
  index: number;
}

/** Counts characters as a person sees them: '👩‍👩‍👧' is one, '한국' is two. */
export function graphemeLength(text: string): number {
  return countGraphemes(text);
}

/** The text's grapheme clusters in order, each with its UTF-16 index (as `Intl.Segmenter#segment` gives them). */
export function graphemes(text: string): Iterable<Grapheme> {
  return graphemeSegments(text);
}
