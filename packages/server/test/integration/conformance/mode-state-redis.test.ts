/** The ModerationState conformance suite over real Redis; each state gets its own key prefix, deleted after. */
import { RedisModerationState } from '../../../src/moderation/state/redis.ts';
import type { ModerationState } from '../../../src/moderation/mode-state.ts';
import { testClients } from '../../support/redis.ts';
import { moderationStateSuite } from '../../conformance/mode-state.suite.ts';

moderationStateSuite('redis', async (): Promise<ModerationState> => {
  const { clients, cleanup } = await testClients();
  const state = new RedisModerationState(clients);
  return {
    slowGate: (...a) => state.slowGate(...a),
    uniqueGate: (...a) => state.uniqueGate(...a),
    async close() {
      await state.close();
      await cleanup();
    },
  };
});
