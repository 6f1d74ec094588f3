import { MemoryPresenceStore } from '../../src/presence/memory.ts';
import { presenceConformance } from './presence.suite.ts';

presenceConformance('memory', async (runtime) => {
  const store = new MemoryPresenceStore(runtime);
  return { store, cleanup: () => store.close() };
});
