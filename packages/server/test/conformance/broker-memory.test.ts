import { MemoryBroker, MemoryBus } from '../../src/broker/memory.ts';
import type { Broker } from '../../src/broker/broker.ts';
import { brokerConformance } from './broker.suite.ts';

brokerConformance('memory', async () => {
  const bus = new MemoryBus();
  const nodes: Broker[] = [];
  return {
    async node(nodeId) {
      const b = new MemoryBroker({ nodeId, bus });
      nodes.push(b);
      return b;
    },
    async cleanup() {
      await Promise.all(nodes.map((n) => n.close()));
    },
  };
});
