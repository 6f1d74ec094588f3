/**
 * What a message carries: its language on short fan-chat lines (the measured choice of tinyld, with Hangul and
 * kana deciding at once), its @name mentions (not mail addresses, not inside links, resolved through a cache that
 * never fails a send) and its links (http and https only, never javascript: or mail).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage } from '../../src/chat/language.ts';
import { createAnnotator, findLinks, findMentions } from '../../src/chat/annotate.ts';
import { AppError } from '../../src/errors.ts';
import { fakeClock } from '../support/fake-clock.ts';
import { ORDINARY_EN, ORDINARY_JA, ORDINARY_KO } from '../support/chat-corpus.ts';

describe('language detection', () => {
  test('every Korean and Japanese line is detected, and nearly every English one', () => {
    assert.ok(ORDINARY_KO.every((l) => detectLanguage(l) === 'ko'));
    assert.ok(ORDINARY_JA.every((l) => detectLanguage(l) === 'ja' || !/[\u3040-\u30ff]/.test(l)));
    const en = ORDINARY_EN.filter((l) => detectLanguage(l) === 'en').length;
    // Measured: tinyld gets most short English lines; the rest are "und" or a near language, never ko/ja.
    assert.ok(en / ORDINARY_EN.length >= 0.6, `${en}/${ORDINARY_EN.length}`);
    assert.ok(ORDINARY_EN.every((l) => !['ko', 'ja'].includes(detectLanguage(l))));
  });

  test('script decides at once; emoji and digits are undetermined', () => {
    assert.equal(detectLanguage('ㅋㅋㅋㅋ'), 'ko');
    assert.equal(detectLanguage('www ワロタ'), 'ja');
    assert.equal(detectLanguage('💜💜💜'), 'und');
    assert.equal(detectLanguage('2024!!'), 'und');
    assert.equal(detectLanguage('te quiero mucho, saludos desde méxico'), 'es');
  });
});

describe('mentions and links', () => {
  test('mentions: any script, trailing punctuation off, not mail addresses or inside links', () => {
    const text = 'hi @mina and @하니_love! mail me@x.com, see https://x.com/@bts and @a';
    const links = findLinks(text);
    const mentions = findMentions(text, links);
    assert.deepEqual(
      mentions.map((m) => [m.name, text.slice(m.start, m.end)]),
      [
        ['mina', '@mina'],
        ['하니_love', '@하니_love'],
      ],
    );
    assert.deepEqual(
      links.map((l) => [l.url, text.slice(l.start, l.end)]),
      [['https://x.com/@bts', 'https://x.com/@bts']],
    );
  });

  test('links: schemes other than http(s) are not links; bare domains become http links; at most 10', () => {
    assert.deepEqual(findLinks('javascript:alert(1) ftp://x.y mailto:a@b.c'), []);
    assert.deepEqual(
      findLinks('go to weverse.io/bts now').map((l) => l.url),
      ['http://weverse.io/bts'],
    );
    assert.deepEqual(
      findLinks('//cdn.example.com/a').map((l) => l.url),
      ['https://cdn.example.com/a'],
    );
    const many = Array.from({ length: 15 }, (_, i) => `https://e${i}.com`).join(' ');
    assert.equal(findLinks(many).length, 10);
  });

  test('the annotator resolves names once per minute and leaves them unresolved when the database fails', async () => {
    const clock = fakeClock();
    let lookups = 0;
    let down = false;
    const annotate = createAnnotator({
      runtime: clock,
      users: {
        byNameKey: async (key) => {
          lookups++;
          if (down) throw new AppError('unavailable', 'down');
          return key === 'mina' ? ({ id: 'u-mina' } as never) : undefined;
        },
      },
    });
    const a = await annotate('@Mina @ghost 안녕');
    assert.deepEqual(
      a.mentions?.map((m) => m.userId),
      ['u-mina', null],
    );
    assert.equal(a.lang, 'ko');
    await annotate('@mina again');
    assert.equal(lookups, 2, 'the second ask is cached');
    clock.advance(61_000);
    down = true;
    const b = await annotate('@mina when the database is down');
    assert.equal(b.mentions?.[0]?.userId, 'u-mina', 'the last known answer');
    const c = await annotate('@newname when the database is down');
    assert.equal(c.mentions?.[0]?.userId, null);
    assert.deepEqual(await annotate('no mentions, no links'), { lang: 'en' });
  });
});
