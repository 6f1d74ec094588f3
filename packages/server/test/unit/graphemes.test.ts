/**
 * The protocol's grapheme counting (`graphemeLength`, `graphemes`, packages/protocol/src/graphemes.ts) against
 * the platform's `Intl.Segmenter`, which it replaced: the same clusters at the same indices for fan chat in
 * Korean, Japanese and English, every kind of emoji sequence, combining marks, Hangul jamo, Indic conjuncts,
 * line breaks and lone surrogates, and for a few thousand seeded random strings of the code points where the
 * rules of UAX #29 differ. Both follow Unicode 17 on Node 20 (ICU 78).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { graphemeLength, graphemes } from '@lightstick/protocol';
import { EVASIONS, ORDINARY_EN, ORDINARY_JA, ORDINARY_KO } from '../support/chat-corpus.ts';

const intl = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const platform = (text: string) => [...intl.segment(text)].map(({ segment, index }) => ({ segment, index }));
const ours = (text: string) => [...graphemes(text)].map(({ segment, index }) => ({ segment, index }));

const CASES = [
  '',
  'a',
  '안녕하세요 여러분 오늘 라이브 최고예요!! 💜💜💜',
  '今日のライブ最高でした！ありがとう〜 ｶﾜｲｲ',
  'ｆｕｃｋ ①② Ⅻ',
  '👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 🏴‍☠️ 🇰🇷🇯🇵🇺🇸 🇰 #️⃣ 1️⃣ 🏴󠁧󠁢󠁥󠁮󠁧󠁿 🫶🏻 ❤️‍🔥',
  'e\u0301\u0302 x\u0308\u0308\u0308 Z\u0351\u0352\u0353\u0354',
  '\u1100\u1161\u11a8 \u1100\u1161 \u1161\u11a8 ㅆㅣㅂㅏㄹ 씨이발',
  'क्षत्रिय नमस्ते ক্ষ ഹൃദയം',
  'ภาษาไทย ສະບາຍດີ',
  '\r\n\n\r \r\r\n',
  'a\ud800b \udc00 \ud83d',
  '\u200d\u200d a\u200db \ufe0f',
  '\u0600\u0661 \u0d4e\u0d15',
  'ЅΟ 𝐟ù Ｃｙｒｉｌｌｉｃ',
];

/** The code points where grapheme rules turn: controls, extenders, ZWJ, regional indicators, prepends, jamo... */
const POOL = [
  ...'aZ0 .',
  '\r',
  '\n',
  '\t',
  '\u0301',
  '\u0308',
  '\u200d',
  '\ufe0f',
  '\u0600',
  '\u0e33',
  '\u0903',
  '\u094d',
  '\u0915',
  '\u0937',
  '\u1100',
  '\u1161',
  '\u11a8',
  '가',
  '각',
  'ㅂ',
  'あ',
  'ｶ',
  '\u{1f1f0}',
  '\u{1f1f7}',
  '\u{1f468}',
  '\u{1f3fd}',
  '\u{1f308}',
  '\u2764',
  '\u{e0067}',
  '\u{e007f}',
  '\ud800',
  '\udc00',
];

/** A small seeded generator (mulberry32), so a failure names a string that can be found again. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('graphemes: the same clusters as Intl.Segmenter', () => {
  test('hand-picked cases and the chat corpus: same clusters, same indices, same count', () => {
    const texts = [...CASES, ...ORDINARY_KO, ...ORDINARY_JA, ...ORDINARY_EN, ...EVASIONS.map((e) => e.text)];
    assert.ok(texts.length > 100);
    for (const text of texts) {
      const want = platform(text);
      assert.deepEqual(ours(text), want, JSON.stringify(text));
      assert.equal(graphemeLength(text), want.length, JSON.stringify(text));
    }
  });

  test('five thousand seeded random strings of the code points where the rules turn', () => {
    const next = random(20261206);
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const n = 1 + Math.floor(next() * 12);
      for (let j = 0; j < n; j++) text += POOL[Math.floor(next() * POOL.length)];
      const want = platform(text);
      assert.deepEqual(ours(text), want, `string ${i}: ${JSON.stringify(text)}`);
      assert.equal(graphemeLength(text), want.length, `string ${i}: ${JSON.stringify(text)}`);
    }
  });

  test('the clusters put back together are the text', () => {
    for (const text of CASES) assert.equal([...graphemes(text)].map((g) => g.segment).join(''), text);
  });
});
