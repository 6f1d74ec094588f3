/** Conformance suite for TranslationCache (memory, Redis): values with expiry, and one claim per key at a time. */
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { TranslationCache } from '../../src/translation/translation-cache.ts';

export function translationCacheSuite(name: string, make: () => Promise<TranslationCache>): void {
  describe(`TranslationCache conformance: ${name}`, () => {
    let cache: TranslationCache;
    let key: string;
    beforeEach(async () => {
      cache = await make();
      key = `m-${randomUUID()}:ko`;
    });
    afterEach(async () => {
      await cache.close();
    });

    test('stores and answers a value, including any script and emoji', async () => {
      assert.equal(await cache.get(key), undefined);
      await cache.put(key, '사랑해요 💜 愛してる', 60_000);
      assert.equal(await cache.get(key), '사랑해요 💜 愛してる');
    });

    test('a value expires after its time', async () => {
      await cache.put(key, 'short', 30);
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(await cache.get(key), undefined);
    });

    test('one claim at a time per key, free again after release', async () => {
      const claims = await Promise.all(Array.from({ length: 20 }, () => cache.claim(key, 10_000)));
      assert.equal(claims.filter(Boolean).length, 1);
      assert.equal(await cache.claim(`${key}-other`, 10_000), true);
      await cache.release(key);
      assert.equal(await cache.claim(key, 10_000), true);
    });

    test('a claim ends by itself after its time', async () => {
      assert.equal(await cache.claim(key, 30), true);
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(await cache.claim(key, 30), true);
    });
  });
}
