/**
 * The web app's words for a refused creation (packages/web/src/ui/errors.ts, creationErrorText): a creation
 * quota's wait as a time in the fan's language, a spent total with its limit, anything else as before. The
 * i18n module reads the browser's storage and languages when loaded: both are stood in for before it loads.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@lightstick/client';
import type * as ErrorsModule from '../../../web/src/ui/errors.ts';
import type * as I18nModule from '../../../web/src/i18n/i18n.ts';

let errors: typeof ErrorsModule;
let i18n: typeof I18nModule;

before(async () => {
  const store = new Map<string, string>();
  Object.assign(globalThis, {
    localStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    },
  });
  if (!('navigator' in globalThis))
    Object.assign(globalThis, { navigator: { languages: ['en'], language: 'en' } });
  i18n = await import('../../../web/src/i18n/i18n.ts');
  errors = await import('../../../web/src/ui/errors.ts');
});

const tooSoon = (ms: number) =>
  new ApiError(429, 'rate_limited', 'An account may create at most 5 communities per 24 h', {
    retryAfterMs: ms,
  });
const spent = new ApiError(403, 'quota_exceeded', 'An account may create at most 20 communities', {
  limit: 20,
});

describe('web: a refused creation in words', () => {
  test('the wait of a window, in the fan’s language', () => {
    i18n.setLang('en');
    assert.equal(
      errors.creationErrorText(tooSoon(50 * 60_000), 'community'),
      'You have started several communities lately. You can start another in 50 minutes.',
    );
    assert.match(errors.creationErrorText(tooSoon(5 * 3_600_000), 'room'), /another in 5 hours\.$/);
    assert.match(errors.creationErrorText(tooSoon(1), 'room'), /in 1 minute\.$/);
    i18n.setLang('ko');
    assert.equal(
      errors.creationErrorText(tooSoon(50 * 60_000), 'community'),
      '최근에 커뮤니티를 여러 개 만들었어요. 50분 후 다시 만들 수 있어요.',
    );
    i18n.setLang('ja');
    assert.match(
      errors.creationErrorText(tooSoon(50 * 60_000), 'community'),
      /50 分後にもう一度作成できます。$/,
    );
  });

  test('a spent total with its limit; other refusals as before', () => {
    i18n.setLang('en');
    assert.equal(
      errors.creationErrorText(spent, 'community'),
      'Your account has started as many communities as an account may (20).',
    );
    assert.match(
      errors.creationErrorText(new ApiError(403, 'quota_exceeded', 'x', { limit: 100 }), 'room'),
      /\(100\)\.$/,
    );
    i18n.setLang('ko');
    assert.match(errors.creationErrorText(spent, 'community'), /\(20개\)/);
    i18n.setLang('en');
    const taken = new ApiError(409, 'conflict', 'this community address is taken');
    assert.equal(errors.creationErrorText(taken, 'community'), 'this community address is taken');
    assert.equal(errors.errorText(spent), 'You have reached the limit for this.');
  });
});
