import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/errors.ts';
import { validateDisplayName, validatePassword, validateUsername } from '../../src/auth/validation.ts';
import { nameKey } from '../../src/auth/name-key.ts';
import { looksReserved, nameSkeleton } from '../../src/auth/look-alikes.ts';
import { confusableMix } from '../../src/auth/mixed-scripts.ts';

function failsOn(field: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'validation_failed');
    assert.deepEqual(e.details, { field });
    return true;
  });
}

describe('usernames', () => {
  test('letters of any script, digits, emoji and _ . - are accepted', () => {
    for (const name of [
      'mina',
      '민지',
      'ミナ',
      '佐藤',
      'ナ_1',
      'a.b-c',
      'stay🖤',
      '🐰🐰',
      'Łukasz',
      'क्षत्रिय',
      '👩‍👩‍👧x',
    ]) {
      assert.equal(validateUsername(name), name.normalize('NFKC'), name);
    }
  });

  test('length counts graphemes: a family emoji is one, Hangul syllables are one each', () => {
    const family = '👩‍👩‍👧';
    failsOn('username', () => validateUsername(family)); // 1 grapheme < 2
    assert.equal(validateUsername(family + family), family + family);
    assert.equal(validateUsername(family.repeat(24)), family.repeat(24));
    failsOn('username', () => validateUsername(family.repeat(25)));
    assert.equal(validateUsername('가'.repeat(24)), '가'.repeat(24));
    failsOn('username', () => validateUsername('가'.repeat(25)));
    failsOn('username', () => validateUsername('a'));
  });

  test('full-width and compatibility forms are normalised (NFKC)', () => {
    assert.equal(validateUsername('ｍｉｎａ'), 'mina');
    assert.equal(validateUsername('ｶﾞｰﾙ'), 'ガール');
  });

  test('spaces, control and invisible characters are refused', () => {
    const bad = [
      'mi na',
      'mina\u0000',
      'mi\nna',
      'mi\u200bna', // zero-width space
      'mi\u200dna', // a joiner outside an emoji
      '\u3164\u3164', // Hangul filler, a famous invisible "letter"
      'mi\u202ena', // bidi override
      'mi\u00adna', // soft hyphen
      'mi\u0301\u0302\u0303\u0304\u0305\u0306na', // stacked marks
      'mina<script>',
      "mi'na",
      '..',
      '_-',
    ];
    for (const name of bad) failsOn('username', () => validateUsername(name));
  });

  test('non-text and reserved names are refused', () => {
    failsOn('username', () => validateUsername(42));
    failsOn('username', () => validateUsername(undefined));
    failsOn('username', () => validateUsername('Admin'));
    assert.equal(validateUsername('admin', { allowReserved: true }), 'admin');
  });

  test('nameKey folds case and compatibility forms', () => {
    assert.equal(nameKey('MINA'), nameKey('mina'));
    assert.equal(nameKey('ｍｉｎａ'), nameKey('Mina'));
    assert.equal(nameKey('ＭＩＮＡ'), 'mina');
    assert.notEqual(nameKey('민지'), nameKey('민주'));
  });
});

describe('display names', () => {
  test('spaces inside are kept, outer ones trimmed, runs collapsed', () => {
    assert.equal(validateDisplayName('  Kim  Minji 🐰 '), 'Kim Minji 🐰');
    assert.equal(validateDisplayName('스트레이 키즈'), '스트레이 키즈');
  });

  test('1..32 graphemes', () => {
    assert.equal(validateDisplayName('👩‍👩‍👧'.repeat(32)), '👩‍👩‍👧'.repeat(32));
    failsOn('displayName', () => validateDisplayName('x'.repeat(33)));
    failsOn('displayName', () => validateDisplayName('   '));
    failsOn('displayName', () => validateDisplayName('\u3164'));
    failsOn('displayName', () => validateDisplayName(''));
  });

  test('control characters and bidi overrides are refused; HTML is just text', () => {
    failsOn('displayName', () => validateDisplayName('a\u0007b'));
    failsOn('displayName', () => validateDisplayName('a\nb'));
    failsOn('displayName', () => validateDisplayName('evil\u202egnp.exe'));
    assert.equal(validateDisplayName('<b>x</b>'), '<b>x</b>');
  });
});

describe('look-alike names (issue 8)', () => {
  // Staff names, and what imitates them: Cyrillic, Greek and Cherokee letters, dotted capital I, digits for
  // letters, rn for m, mathematical and full-width forms, accents, separators, the platform's own name.
  const staffImitations = [
    'аdmin', // Cyrillic а
    'ADMİN', // capital I with dot above
    'Admin',
    'ADM1N',
    'adm1n',
    'Adrnin',
    'ádmín',
    '𝐚𝐝𝐦𝐢𝐧',
    'ａｄｍｉｎ',
    'ᎪDMIN', // Cherokee A
    'Αdmin', // Greek Alpha
    'M0derator',
    'moderat0r',
    'MODERATOR',
    'ѕtaff', // Cyrillic ѕ
    'Suppоrt', // Cyrillic о
    'Sуstem', // Cyrillic у
    'R00T',
    'Lightstick_Official',
    'lightstick.staff',
    'LlGHTSTlCK',
    '관리자',
    '운영자',
    'スタッフ',
    '管理者',
  ];

  test("usernames that imitate staff names are refused, with the issue's examples", () => {
    for (const name of staffImitations) {
      failsOn('username', () => validateUsername(name));
      assert.ok(looksReserved(name), name);
    }
  });

  test('display names that imitate staff names are refused unless the account is a platform admin', () => {
    for (const name of [
      ...staffImitations,
      'A d m i n',
      '★Admin★',
      'Lightstick Staff',
      'Official Lightstick',
      '운영 자',
    ]) {
      failsOn('displayName', () => validateDisplayName(name));
    }
    assert.equal(validateDisplayName('Admin', { allowReserved: true }), 'Admin');
  });

  test('names that merely contain a staff word stay allowed (equality, not containment)', () => {
    for (const name of ['badminton', 'mina_mod', 'staffy', 'adminna', 'support_twice']) {
      assert.equal(validateUsername(name), name);
    }
    for (const name of ['Badminton Queen', 'Mina (mod fan)', 'Lightstick lover']) {
      assert.equal(validateDisplayName(name), name);
    }
  });

  test('Latin mixed with Cyrillic or Greek, or with a script outside the common ones, is refused', () => {
    for (const name of ['pаypal', 'mіna', 'Сhaeyoung', 'Μinji', 'jisоо', 'Ꭺmina', 'Маша_Masha', 'σтаy']) {
      failsOn('username', () => validateUsername(name));
      assert.ok(confusableMix(name), name);
    }
  });

  test('ordinary Korean, Japanese and English names and the mixes fans write are accepted', () => {
    for (const name of [
      '민지_fan',
      'yuna팬',
      'アイリ2026',
      '민지スキ',
      '佐藤さくら',
      'twice_トゥワイス',
      '방탄소년단',
      'Stray.Kids-8',
      'stay🖤',
      'IU',
      'Łukasz',
      'Маша', // Cyrillic alone
      'Σοφία', // Greek alone
      'ลิซ่า', // Thai alone
      'lisa_ลิซ่า', // Latin with Thai
      'क्षत्रिय',
      'ᏣᎳᎩ', // Cherokee alone
    ]) {
      assert.equal(validateUsername(name), name.normalize('NFKC'), name);
      assert.equal(validateDisplayName(name), name.normalize('NFC'), name);
    }
  });

  test('the skeleton makes look-alikes one name and keeps different names apart', () => {
    for (const [a, b] of [
      ['mina', 'rnina'],
      ['IU', 'lU'],
      ['yuna0', 'yunaO'],
      ['M0derator', 'moderator'],
      ['cop', 'сор'], // all Cyrillic
      ['アイリ', 'ア亻リ'],
      ['ミーナ', 'ミ一ナ'],
      ['ｍｉｎａ', 'MINA'.toLowerCase()],
    ]) {
      assert.equal(nameSkeleton(a!), nameSkeleton(b!), `${a} ~ ${b}`);
    }
    for (const [a, b] of [
      ['José', 'Jose'],
      ['がく', 'かく'],
      ['민지', '민주'],
      ['iu', 'lu'],
      ['mina1', 'mina2'],
    ]) {
      assert.notEqual(nameSkeleton(a!), nameSkeleton(b!), `${a} vs ${b}`);
    }
  });
});

describe('passwords', () => {
  test('8..256 characters', () => {
    assert.equal(validatePassword('12345678'), '12345678');
    failsOn('password', () => validatePassword('1234567'));
    assert.equal(validatePassword('p'.repeat(256)).length, 256);
    failsOn('password', () => validatePassword('p'.repeat(257)));
    failsOn('password', () => validatePassword(null));
  });

  test('spaces and any script are fine; NFKC makes full-width match', () => {
    assert.equal(validatePassword('correct horse battery'), 'correct horse battery');
    assert.equal(validatePassword('ｐａｓｓｗｏｒｄ'), 'password');
  });
});
