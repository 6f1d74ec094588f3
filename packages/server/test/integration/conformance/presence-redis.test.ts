/** The PresenceStore conformance suite over real Redis, with the suite's hand-moved clock. */
import { RedisPresenceStore } from '../../../src/presence/redis.ts';
import { testClients } from '../../support/redis.ts';
import { presenceConformance } from '../../conformance/presence.suite.ts';

presenceConformance('redis', async (runtime) => {
  const { clients, cleanup } = await testClients();
  const store = new RedisPresenceStore(clients, runtime);
  return {
    store,
    async cleanup() {
      await store.close();
      await cleanup();
    },
  };
});
