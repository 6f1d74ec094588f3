/**
 * Regression (issue 6, part 6): five modules each built an `Intl.Segmenter` at load to count and walk grapheme
 * clusters (the message length limit, the word filter's folding and masking, emote-only mode, name checks).
 * Building one makes the process map about 0.7 MB of ICU's break-iterator and locale data, which every idle
 * gateway held, and counting one chat line through it cost about 10 µs (a break iterator and a segment object
 * per call). They now go through the protocol's `graphemes` (unicode-segmenter, the same clusters: unit test
 * graphemes.test.ts). Here: the send path's text checks and the name checks build no `Intl.Segmenter`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';

let built = 0;
// Before any module under test loads: they are imported below, after the count is in place.
(Intl as { Segmenter: typeof Intl.Segmenter }).Segmenter = new Proxy(Intl.Segmenter, {
  construct(target, args: ConstructorParameters<typeof Intl.Segmenter>, newTarget) {
    built++;
    return Reflect.construct(target, args, newTarget) as object;
  },
});

test('chat text, the word filter, emote-only mode and name checks build no Intl.Segmenter', async () => {
  const { normaliseText } = await import('../../src/chat/text.ts');
  const { compile, DEFAULT_SETTINGS } = await import('../../src/moderation/filter/filter-settings.ts');
  const { isEmoteOnly } = await import('../../src/moderation/emote.ts');
  const { validateDisplayName, validateUsername } = await import('../../src/auth/validation.ts');
  const { graphemeLength } = await import('@lightstick/protocol');

  assert.equal(normaliseText('  오늘 라이브 최고 💜👨‍👩‍👧  '), '오늘 라이브 최고 💜👨‍👩‍👧');
  const filter = compile(DEFAULT_SETTINGS);
  const verdict = filter.check('ㅆㅣㅂㅏㄹ 진짜 좋아');
  assert.equal(verdict.action, 'mask');
  assert.ok(verdict.action === 'mask' && verdict.masked.startsWith('*****'), JSON.stringify(verdict));
  assert.equal(isEmoteOnly('💜 🇰🇷 👍🏽'), true);
  assert.equal(isEmoteOnly('💜 hi'), false);
  assert.equal(validateUsername('minji_fan'), 'minji_fan');
  assert.equal(validateDisplayName('민지 💜'), '민지 💜');
  assert.equal(graphemeLength('👩‍👩‍👧한국'), 3);

  assert.equal(built, 0, 'an Intl.Segmenter was built');
  // The count sees a construction (so a zero above means none happened).
  new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  assert.equal(built, 1);
});
