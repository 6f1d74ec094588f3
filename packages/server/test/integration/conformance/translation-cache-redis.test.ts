/** The TranslationCache conformance suite over real Redis, one key prefix per cache. */
import { RedisTranslationCache } from '../../../src/translation/cache/redis.ts';
import type { TranslationCache } from '../../../src/translation/translation-cache.ts';
import { testClients } from '../../support/redis.ts';
import { translationCacheSuite } from '../../conformance/translation-cache.suite.ts';

translationCacheSuite('redis', async (): Promise<TranslationCache> => {
  const { clients, cleanup } = await testClients();
  const cache = new RedisTranslationCache(clients);
  return {
    get: (k) => cache.get(k),
    put: (k, v, t) => cache.put(k, v, t),
    claim: (k, t) => cache.claim(k, t),
    release: (k) => cache.release(k),
    async close() {
      await cache.close();
      await cleanup();
    },
  };
});
