/**
 * The word filter against its evasion cases (each must be caught as the named term) and a few hundred lines of
 * ordinary Korean, Japanese and English fan chat (each must pass untouched), plus masking and allowed words.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WordFilter } from '../../src/moderation/filter/word-filter.ts';
import { fold } from '../../src/moderation/filter/fold.ts';
import { BUILTIN_ALLOW, BUILTIN_TERMS } from '../../src/moderation/filter/default-list.ts';
import { EVASIONS, ORDINARY_EN, ORDINARY_JA, ORDINARY_KO } from '../support/chat-corpus.ts';

const builtin = new WordFilter(
  BUILTIN_TERMS.map((t) => ({ ...t, action: 'block' as const })),
  [...BUILTIN_ALLOW],
);

describe('word filter: built-in list', () => {
  test('catches every evasion case as its term', () => {
    const missed: string[] = [];
    for (const { text, term } of EVASIONS) {
      const v = builtin.check(text);
      if (v.action !== 'block' || !v.hits.some((h) => h.term === term)) {
        missed.push(
          `${JSON.stringify(text)} -> ${v.hits.map((h) => h.term).join(',') || 'nothing'} (want ${term})`,
        );
      }
    }
    assert.deepEqual(missed, [], `${missed.length} of ${EVASIONS.length} evasions missed`);
    assert.ok(EVASIONS.length >= 50);
  });

  for (const [lang, lines] of [
    ['Korean', ORDINARY_KO],
    ['Japanese', ORDINARY_JA],
    ['English', ORDINARY_EN],
  ] as const) {
    test(`passes ${lines.length} lines of ordinary ${lang} chat untouched`, () => {
      const caught = lines
        .map((line) => ({ line, v: builtin.check(line) }))
        .filter(({ v }) => v.action !== 'allow' || v.masked !== v.masked)
        .map(({ line, v }) => `${JSON.stringify(line)} -> ${v.hits.map((h) => h.term).join(',')}`);
      assert.deepEqual(caught, []);
      assert.ok(lines.length >= 100);
    });
  }

  test('folded graphemes are remembered without changing a verdict, also once the memo is full', () => {
    const verdicts = () => EVASIONS.map(({ text }) => JSON.stringify(builtin.check(text)));
    const first = verdicts();
    // The same texts again, folded from the memo.
    assert.deepEqual(verdicts(), first);
    // Far more distinct graphemes than the memo keeps (4 096): the evasions' graphemes are forgotten and folded
    // again, to the same verdicts, and the unseen ones fold as they would have.
    let han = '';
    for (let cp = 0x4e00; cp < 0x4e00 + 10_000; cp++) han += String.fromCodePoint(cp);
    assert.equal(builtin.check(han).action, 'allow');
    assert.equal(fold(han).compact.text, han);
    assert.deepEqual(verdicts(), first);
    // A grapheme longer than the memo keeps (a letter under 200 combining marks) folds all the same.
    const piled = `f${'\u0301'.repeat(200)}uck you`;
    assert.equal(builtin.check(piled).action, 'block');
    assert.equal(builtin.check(piled).action, 'block');
  });
});

describe('word filter: actions and masking', () => {
  test('mask replaces exactly the graphemes of the hit and keeps spaces', () => {
    const f = new WordFilter([
      { term: 'fuck', action: 'mask', match: 'part' },
      { term: '씨발', action: 'mask' },
    ]);
    assert.equal(f.check('what the fuck is this').masked, 'what the **** is this');
    assert.equal(f.check('f u c k off').masked, '* * * * off');
    assert.equal(f.check('아 씨 발 진짜').masked, '아 * * 진짜');
    assert.equal(f.check('ㅆㅣㅂㅏㄹ').masked, '*****');
    assert.equal(f.check('씨이발').masked, '***');
    assert.equal(f.check('💜 fuuuck 💜').masked, '💜 ****** 💜');
    assert.equal(f.check('안녕하세요').masked, '안녕하세요');
  });

  test('the most severe action wins: block over hold over mask', () => {
    const f = new WordFilter([
      { term: 'apple', action: 'mask' },
      { term: 'banana', action: 'hold' },
      { term: 'cherry', action: 'block' },
    ]);
    assert.equal(f.check('apple').action, 'mask');
    assert.equal(f.check('apple banana').action, 'hold');
    assert.equal(f.check('apple banana cherry').action, 'block');
    assert.equal(f.check('durian').action, 'allow');
  });

  test('match modes: word, part and anywhere', () => {
    const word = new WordFilter([{ term: 'spoiler', action: 'block', match: 'word' }]);
    assert.equal(word.check('no spoiler please').action, 'block');
    assert.equal(word.check('spoilers ahead').action, 'allow');
    const part = new WordFilter([{ term: 'spoiler', action: 'block', match: 'part' }]);
    assert.equal(part.check('spoilers ahead').action, 'block');
    assert.equal(part.check('spoil er').action, 'allow');
    const anywhere = new WordFilter([{ term: 'spoiler', action: 'block', match: 'anywhere' }]);
    assert.equal(anywhere.check('spoil-er').action, 'block');
  });

  test('a community term in any script, and an allowed word that contains it', () => {
    const f = new WordFilter([{ term: '스포', action: 'hold' }], ['스포츠']);
    assert.equal(f.check('스포 하지 마세요').action, 'hold');
    assert.equal(f.check('스 포 금지').action, 'hold');
    assert.equal(f.check('스포츠 좋아해요').action, 'allow');
  });

  test('repeated letters in a term must repeat in the text: "ass" never matches "as"', () => {
    const f = new WordFilter([{ term: 'ass', action: 'block' }]);
    assert.equal(f.check('as if').action, 'allow');
    assert.equal(f.check('asss').action, 'block');
  });
});
