/**
 * The fandom web components' logic without a browser (issue 11 parts 7, 9, 10): taps batched into `heart`
 * ops against a fake realtime sink and fake timers; links and mentions split from the text (http(s) only,
 * the reader's mentions marked); the ko/ja/en catalogues complete and every mode told in words.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HeartBatcher, MAX_HEARTS_PER_OP } from '../../../web/src/fandom/heart-batcher.ts';
import {
  CATALOGUES,
  LANGS,
  modeSentences,
  sendErrorSentence,
  t,
  waitWords,
} from '../../../web/src/fandom/strings.ts';
import { safeUrl, segments } from '../../../web/src/fandom/text-segments.ts';
import { termsToText, textToTerms } from '../../../web/src/fandom/filter-lines.ts';

function fakeTimers() {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    timers: {
      setTimeout: (fn: () => void) => {
        pending.set(++next, fn);
        return next;
      },
      clearTimeout: (h: unknown) => void pending.delete(h as number),
    },
    /** Runs the timers due now (all pending ones: the batcher has at most one). */
    tick() {
      const due = [...pending];
      pending.clear();
      for (const [, fn] of due) fn();
    },
    get size() {
      return pending.size;
    },
  };
}

describe('HeartBatcher', () => {
  test('taps between two flushes go out as one heart op with their count', () => {
    const sent: [string, number][] = [];
    const clock = fakeTimers();
    const b = new HeartBatcher({ heart: (room, count) => sent.push([room, count]) }, 'r1', 250, clock.timers);
    for (let i = 0; i < 7; i++) b.tap();
    assert.deepEqual(sent, [], 'nothing before the flush');
    assert.equal(clock.size, 1, 'one timer however many taps');
    clock.tick();
    assert.deepEqual(sent, [['r1', 7]]);
    clock.tick();
    assert.deepEqual(sent, [['r1', 7]], 'no empty op');
    b.tap();
    clock.tick();
    assert.deepEqual(sent, [
      ['r1', 7],
      ['r1', 1],
    ]);
  });

  test('a burst above the per-op cap is spread over several flushes; dispose sends the rest', () => {
    const sent: number[] = [];
    const clock = fakeTimers();
    const b = new HeartBatcher({ heart: (_r, n) => sent.push(n) }, 'r', 250, clock.timers);
    b.tap(MAX_HEARTS_PER_OP * 2 + 5);
    clock.tick();
    assert.deepEqual(sent, [MAX_HEARTS_PER_OP]);
    b.dispose();
    assert.deepEqual(sent, [MAX_HEARTS_PER_OP, MAX_HEARTS_PER_OP, 5]);
    assert.equal(clock.size, 0, 'no timer left');
  });
});

describe('text segments', () => {
  const me = { id: 'u-mina', name: 'mina' };

  test('server spans: link and mention pieces, the rest text, every character kept', () => {
    const text = '@mina look https://example.com/a?b=1 <b>hi</b>';
    const segs = segments(
      text,
      {
        mentions: [{ start: 0, end: 5, name: 'mina', userId: 'u-mina' }],
        links: [{ start: 11, end: 36, url: 'https://example.com/a?b=1' }],
      },
      me,
    );
    assert.deepEqual(
      segs.map((s) => s.kind),
      ['mention', 'text', 'link', 'text'],
    );
    assert.equal(segs.map((s) => s.text).join(''), text);
    assert.deepEqual(segs[0], { kind: 'mention', text: '@mina', name: 'mina', userId: 'u-mina', me: true });
    assert.equal(segs[3]!.text, ' <b>hi</b>', 'markup stays a text piece');
  });

  test('a mention of someone else is not marked as the reader; unknown names match by name', () => {
    const segs = segments(
      '@jisoo hi',
      { mentions: [{ start: 0, end: 6, name: 'jisoo', userId: 'u-j' }] },
      me,
    );
    assert.equal(segs[0]!.kind === 'mention' && segs[0]!.me, false);
    const local = segments('hey @Mina!', {}, me);
    assert.equal(local.find((s) => s.kind === 'mention')?.text, '@Mina');
    assert.equal(
      local.some((s) => s.kind === 'mention' && s.me),
      true,
    );
  });

  test('only http(s) URLs become links; bad spans fall back to text', () => {
    assert.equal(safeUrl('javascript:alert(1)'), null);
    assert.equal(safeUrl('data:text/html,<b>'), null);
    assert.equal(safeUrl('https://example.com'), 'https://example.com/');
    const text = 'javascript:alert(1)';
    const segs = segments(text, { links: [{ start: 0, end: text.length, url: text }] });
    assert.deepEqual(segs, [{ kind: 'text', text }]);
    const out = segments('abc', { links: [{ start: 1, end: 99, url: 'https://x.test' }] });
    assert.deepEqual(out, [{ kind: 'text', text: 'abc' }]);
  });

  test('local scan finds links and ignores e-mail addresses as mentions', () => {
    const segs = segments('mail a@b.com or see http://x.test/p.', {});
    assert.deepEqual(
      segs.filter((s) => s.kind !== 'text').map((s) => [s.kind, s.text]),
      [['link', 'http://x.test/p']],
    );
  });
});

describe('strings', () => {
  test('Korean, Japanese and English have every key, each filled', () => {
    const keys = Object.keys(CATALOGUES.en).sort();
    for (const lang of LANGS) {
      assert.deepEqual(Object.keys(CATALOGUES[lang]).sort(), keys, lang);
      for (const k of keys)
        assert.ok(CATALOGUES[lang][k as keyof typeof CATALOGUES.en].length > 0, `${lang} ${k}`);
    }
  });

  test('every mode in words, in each language', () => {
    const all = { slowSeconds: 30, membersOnly: true, emoteOnly: true, uniqueChat: true, fanDelayMs: 5000 };
    for (const lang of LANGS) assert.equal(modeSentences(all, lang).length, 5, lang);
    assert.deepEqual(modeSentences(all, 'en'), [
      'Slow mode: you can send one message every 30 seconds.',
      'Members-only chat: only members and staff can send messages.',
      'Emote-only chat: messages must be emoji only.',
      'Unique chat: a message identical to one sent in the last 30 seconds is refused.',
      'Fan messages appear 5 seconds late so moderators can check them.',
    ]);
    const open = { slowSeconds: 0, membersOnly: false, emoteOnly: false, uniqueChat: false, fanDelayMs: 0 };
    assert.deepEqual(modeSentences(open, 'ja'), ['フリーチャット：だれでも話せます。']);
    assert.equal(t('ko', 'mode.slow', { seconds: 3 }), '슬로우 모드: 3초에 한 번 메시지를 보낼 수 있어요.');
  });

  test('refused sends explained with the wait rounded up', () => {
    assert.equal(sendErrorSentence('slow_mode', 2100, 'en'), 'Slow mode is on: you can send again in 3 s.');
    assert.equal(
      sendErrorSentence('timed_out', 60_000, 'ko'),
      '채팅이 일시 제한됐어요: 1분 후에 다시 보낼 수 있어요.',
    );
    // The time left in the largest unit, rounded up: a timeout runs from a second to two weeks.
    assert.equal(
      sendErrorSentence('timed_out', 599_200, 'en'),
      'You are timed out: you can send again in 10 minutes.',
    );
    assert.equal(
      sendErrorSentence('timed_out', 45_000, 'ja'),
      '一時的に送信が制限されています：45 秒後に送れます。',
    );
    assert.equal(waitWords(61 * 60_000, 'en'), 'in 2 hours');
    assert.equal(waitWords(14 * 86_400_000, 'ko'), '14일 후');
    assert.equal(sendErrorSentence('banned', undefined, 'ja'), 'このコミュニティから追放されています。');
    assert.equal(sendErrorSentence('something_else', undefined, 'en'), null);
  });
});

describe('filter lines', () => {
  test('the panel text area round-trips the term list', () => {
    const terms = textToTerms('바보\nidiot|mask\n  spam | hold \nweird|nope\nfoo|block|anywhere\n\n');
    assert.deepEqual(terms, [
      { term: '바보', action: 'block' },
      { term: 'idiot', action: 'mask' },
      { term: 'spam', action: 'hold' },
      { term: 'weird', action: 'block' },
      { term: 'foo', action: 'block', match: 'anywhere' },
    ]);
    assert.equal(termsToText(terms), '바보\nidiot|mask\nspam|hold\nweird\nfoo|block|anywhere');
  });
});
