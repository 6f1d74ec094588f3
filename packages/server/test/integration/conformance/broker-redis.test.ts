/** The Broker conformance suite over real Redis: each node is a RedisBroker with its own subscriber connection. */
import { RedisBroker } from '../../../src/broker/redis.ts';
import type { Broker } from '../../../src/broker/broker.ts';
import { testClients } from '../../support/redis.ts';
import { brokerConformance } from '../../conformance/broker.suite.ts';

brokerConformance('redis', async (runtime) => {
  const { clients, cleanup } = await testClients();
  const nodes: Broker[] = [];
  return {
    async node(nodeId) {
      const b = new RedisBroker(clients, { nodeId, runtime });
      nodes.push(b);
      return b;
    },
    async cleanup() {
      await Promise.all(nodes.map((n) => n.close()));
      await cleanup();
    },
  };
});
