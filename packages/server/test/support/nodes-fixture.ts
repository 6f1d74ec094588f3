/**
 * Gateway nodes in one process for a `describe` block (support/nodes.ts): started before its tests, stopped
 * after them together with every client connected through `connectTo`. The multi-node tests share this set-up.
 */
import { after, before } from 'node:test';
import { startNodes, type InProcessNodes } from './nodes.ts';
import { WsTestClient } from './ws-client.ts';
import { world, type TestUser } from './ws-fixtures.ts';

export interface NodesFixture {
  readonly cluster: InProcessNodes;
  /** Users, communities and members written through the nodes' shared app. */
  readonly w: ReturnType<typeof world>;
  /** A client signed in as `u` on node `node`, closed after the block. */
  connectTo(node: number, u: TestUser): Promise<WsTestClient>;
}

export function useNodes(count: number): NodesFixture {
  let cluster: InProcessNodes | undefined;
  let w: ReturnType<typeof world> | undefined;
  const clients: WsTestClient[] = [];
  before(async () => {
    cluster = await startNodes(count);
    w = world(cluster.app);
  });
  after(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
  });
  return {
    get cluster() {
      return cluster!;
    },
    get w() {
      return w!;
    },
    connectTo: async (node, u) => {
      const c = await WsTestClient.authed(cluster!.nodes[node]!.wsUrl, u.token);
      clients.push(c);
      return c;
    },
  };
}
