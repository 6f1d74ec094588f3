/** The HistoryStore conformance suite over real Redis, with the suite's hand-moved clock passed to the scripts. */
import { RedisHistoryStore } from '../../src/history/redis.ts';
import { testClients } from '../support/redis.ts';
import { historyConformance } from './history.suite.ts';

historyConformance('redis', async (runtime) => {
  const { clients, cleanup } = await testClients();
  const store = new RedisHistoryStore(clients, runtime);
  return {
    store,
    async cleanup() {
      await store.close();
      await cleanup();
    },
  };
});
