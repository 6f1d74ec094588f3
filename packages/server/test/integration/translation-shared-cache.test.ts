/**
 * Two processes' translation services sharing Redis: however many fans ask both at once, a message is translated
 * once per language (one claims the work, the other waits for its answer), counted at a local server that
 * answers as DeepL's API does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import type { Store } from '../../src/storage/repositories.ts';
import { systemRuntime } from '../../src/runtime.ts';
import { RoomAccess } from '../../src/chat/room-access.ts';
import { MessageFinder } from '../../src/moderation/message-finder.ts';
import { MemoryRateLimiter } from '../../src/ratelimit/memory.ts';
import { createRedisClients, type RedisClients } from '../../src/broker/redis-clients.ts';
import { RedisTranslationCache } from '../../src/translation/cache/redis.ts';
import { DeeplProvider } from '../../src/translation/adapters/deepl/deepl-provider.ts';
import { TranslationService } from '../../src/translation/translation-service.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { TEST_REDIS_URL, testClients } from '../support/redis.ts';
import { DEEPL_KEY, fakeDeepl, type FakeDeepl } from '../support/deepl-server.ts';
import { draft, seedRoom } from '../conformance/store.fixtures.ts';

describe('translation cache shared across processes', () => {
  let dir: string;
  let store: Store;
  let deepl: FakeDeepl;
  let first: Awaited<ReturnType<typeof testClients>>;
  let second: RedisClients;
  const services: TranslationService[] = [];
  const admin: Principal = {
    userId: 'u-admin',
    name: 'admin',
    displayName: 'Admin',
    admin: true,
    expiresAt: Date.now() + 3_600_000,
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ls-tr-'));
    store = await openSqliteStore(path.join(dir, 'db.sqlite'), { synchronous: 'NORMAL' });
    deepl = await fakeDeepl();
    first = await testClients();
    second = await createRedisClients(TEST_REDIS_URL, { prefix: first.prefix });
    for (const clients of [first.clients, second]) {
      services.push(
        new TranslationService({
          access: new RoomAccess(store, systemRuntime),
          finder: new MessageFinder(store.messages, undefined),
          store,
          rateLimiter: new MemoryRateLimiter(systemRuntime),
          cache: new RedisTranslationCache(clients),
          provider: new DeeplProvider({ apiKey: DEEPL_KEY, baseUrl: deepl.url }),
        }),
      );
    }
  });
  after(async () => {
    await second.close();
    await first.cleanup();
    await deepl.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('40 concurrent asks over two processes make one upstream call per language', async () => {
    const room = await seedRoom(store);
    const [m] = await store.messages.appendBatch([draft(room.id, { text: '컴백 축하해요', lang: 'ko' })]);
    const mid = m!.message.id;
    deepl.delayMs = 100;
    const asks = Array.from({ length: 40 }, (_, i) =>
      services[i % 2]!.translate({ ...admin, userId: `u-${i}` }, room.id, mid, 'en'),
    );
    const answers = await Promise.all(asks);
    deepl.delayMs = 0;
    assert.ok(answers.every((a) => a.text === '[EN-US] 컴백 축하해요'));
    assert.equal(deepl.calls.length, 1);
    await Promise.all([
      services[0]!.translate(admin, room.id, mid, 'ja'),
      services[1]!.translate(admin, room.id, mid, 'ja'),
    ]);
    assert.equal(deepl.calls.length, 2);
    await services[1]!.translate(admin, room.id, mid, 'en');
    assert.equal(deepl.calls.length, 2, 'a later ask on the other process is served from Redis');
  });
});
