import { MemoryTranslationCache } from '../../src/translation/cache/memory.ts';
import { translationCacheSuite } from './translation-cache.suite.ts';

translationCacheSuite('memory', async () => new MemoryTranslationCache());
