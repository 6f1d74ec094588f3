import { MemoryHistoryStore } from '../../src/history/memory.ts';
import { historyConformance } from './history.suite.ts';

historyConformance('memory', async (runtime) => {
  const store = new MemoryHistoryStore(runtime);
  return { store, cleanup: () => store.close() };
});
