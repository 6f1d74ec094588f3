/**
 * Translation through the real server and the DeepL adapter against a local server that answers as DeepL's API
 * documents: the request's shape, one upstream call per message and language however many fans ask, the
 * language codes DeepL wants, its refusals and a provider too slow.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AckFrame, TranslationView } from '@lightstick/protocol';
import { startLightstick, type InProcess } from '../support/harness.ts';
import { moderationWorld, outcome, type ModerationWorld } from '../support/moderation-world.ts';
import { DEEPL_KEY, fakeDeepl, type FakeDeepl } from '../support/deepl-server.ts';

describe('translation through DeepL', () => {
  let deepl: FakeDeepl;
  let app: InProcess;
  let w: ModerationWorld;
  let mid: string;
  const path = (lang: string, m = mid) => `/api/rooms/${w.lobby.id}/messages/${m}/translation?lang=${lang}`;

  before(async () => {
    deepl = await fakeDeepl();
    app = await startLightstick({
      env: {
        LIGHTSTICK_DEEPL_API_KEY: DEEPL_KEY,
        LIGHTSTICK_DEEPL_URL: deepl.url,
        LIGHTSTICK_TRANSLATION_TIMEOUT_MS: '2000',
      },
    });
    w = await moderationWorld(app);
    mid = ((await w.send(w.people.artist, w.lobby.id, '오늘 와줘서 고마워요 사랑해요')) as AckFrame).mid;
  });
  after(async () => {
    w.closeClients();
    await app.stop();
    await deepl.close();
  });

  test('sends DeepL’s documented request and answers the translation with the detected source', async () => {
    const r = await w.call<TranslationView>(w.people.fan, 'GET', path('en'));
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      mid,
      lang: 'en',
      source: 'ko',
      text: '[EN-US] 오늘 와줘서 고마워요 사랑해요',
      provider: 'deepl',
    });
    const call = deepl.calls.at(-1)!;
    assert.equal(call.method, 'POST');
    assert.equal(call.path, '/v2/translate');
    assert.equal(call.headers.authorization, `DeepL-Auth-Key ${DEEPL_KEY}`);
    assert.match(String(call.headers['content-type']), /^application\/json/);
    assert.deepEqual(call.body, {
      text: ['오늘 와줘서 고마워요 사랑해요'],
      target_lang: 'EN-US',
      source_lang: 'KO',
    });
  });

  test('a message is translated once per language however many fans ask at once', async () => {
    const fresh = ((await w.send(w.writers[0]!, w.lobby.id, '다들 안녕하세요')) as AckFrame).mid;
    const before = deepl.calls.length;
    deepl.delayMs = 50;
    const askers = [w.people.fan, w.people.member, w.people.moderator, w.people.owner, ...w.writers];
    const answers = await Promise.all(
      [...askers, ...askers].map((who) => w.call<TranslationView>(who, 'GET', path('ja', fresh))),
    );
    deepl.delayMs = 0;
    assert.ok(answers.every((a) => a.status === 200 && a.body.text === '[JA] 다들 안녕하세요'));
    assert.equal(deepl.calls.length - before, 1, 'one upstream call for 20 asks');
    await w.call(w.people.fan, 'GET', path('ja', fresh));
    assert.equal(deepl.calls.length - before, 1, 'later asks come from the cache');
    await w.call(w.people.fan, 'GET', path('zh-TW', fresh));
    assert.equal(deepl.calls.at(-1)!.body.target_lang, 'ZH-HANT');
    assert.equal(deepl.calls.length - before, 2);
  });

  test('languages DeepL lacks are refused; DeepL’s refusals and slowness have their codes', async () => {
    assert.equal(outcome(await w.call(w.people.fan, 'GET', path('th'))), 'validation_failed');
    deepl.failWith = 456;
    const quota = await w.call<{ error: { message: string } }>(w.people.fan, 'GET', path('fr'));
    assert.equal(quota.status, 502);
    assert.equal(outcome(quota), 'provider_error');
    assert.match(quota.body.error.message, /quota/);
    assert.ok(!JSON.stringify(quota.body).includes(DEEPL_KEY));
    deepl.failWith = undefined;
    deepl.delayMs = 6000;
    assert.equal(outcome(await w.call(w.people.fan, 'GET', path('de'))), 'unavailable');
    deepl.delayMs = 0;
    // After the failures the same language translates normally.
    assert.equal(
      (await w.call<TranslationView>(w.people.fan, 'GET', path('fr'))).body.text,
      '[FR] 오늘 와줘서 고마워요 사랑해요',
    );
  });

  test('translation is rate-limited per person', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 25; i++) codes.push(outcome(await w.call(w.people.artist, 'GET', path('ja'))));
    assert.ok(codes.slice(0, 20).every((c) => c === 'ok'));
    assert.ok(codes.includes('rate_limited'));
  });
});
