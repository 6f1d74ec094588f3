/**
 * Connection scale: many idle, authenticated connections, each joined to one room, spread over gateway
 * processes by several load-generator processes using source addresses 127.0.0.2 and up. Reports how long
 * connecting took and each gateway's memory per connection (resident set and JS heap, after minus before).
 */
import { metricValue, startCluster } from '../packages/server/test/support/cluster.ts';
import { addressesFor, joinCommunity, ownRoom, registerUsers } from './http.ts';
import type { ClientSpec } from './loadgen.ts';
import { track } from './cleanup.ts';
import { LoadGen } from './loadgens.ts';

export interface ConnectionsOptions {
  gateways: number;
  loadGens: number;
  connections: number;
  users: number;
  rooms: number;
  holdMs: number;
}

const memory = async (baseUrl: string) => ({
  rss: await metricValue(baseUrl, 'process_resident_memory_bytes'),
  heap: await metricValue(baseUrl, 'nodejs_heap_size_used_bytes'),
  conns: await metricValue(baseUrl, 'lightstick_connections'),
});

export async function connections(o: ConnectionsOptions) {
  const cluster = await startCluster({ gateways: o.gateways });
  const gens = Array.from({ length: o.loadGens }, () => new LoadGen());
  const stop = track(async () => {
    await Promise.all(gens.map((g) => g.stop()));
    await cluster.stop();
  });
  try {
    const api = cluster.api.baseUrl;
    const tag = Math.random().toString(36).slice(2, 7);
    const tokens = await registerUsers(api, o.users, tag);
    const rooms = await Promise.all(tokens.slice(0, o.rooms).map((t, i) => ownRoom(api, t, `bc${tag}${i}`)));
    for (const [u, t] of tokens.entries()) {
      const room = rooms[u % o.rooms]!;
      if (u >= o.rooms) await joinCommunity(api, t, room.communityId);
    }
    const before = await Promise.all(cluster.gateways.map((g) => memory(g.baseUrl)));
    const specs: ClientSpec[] = Array.from({ length: o.connections }, (_, i) => {
      const u = i % o.users;
      return {
        url: cluster.wsUrls[i % o.gateways] as string,
        token: tokens[u]!,
        rooms: [rooms[u % o.rooms]!.id],
        rate: 0,
      };
    });
    // Each load generator gets its own slice of clients and its own source addresses.
    const slices = gens.map((_, k) => specs.filter((_, i) => i % o.loadGens === k));
    const addrs = addressesFor(slices.map((c) => c.length));
    const results = await Promise.all(gens.map((g, k) => g.connect(slices[k]!, addrs[k]!, 200)));
    const open = results.reduce((n, r) => n + r.open, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    const connectMs = Math.max(...results.map((r) => r.ms));
    await new Promise((r) => setTimeout(r, o.holdMs)); // idle: pings only
    const afterMem = await Promise.all(cluster.gateways.map((g) => memory(g.baseUrl)));
    const perGateway = afterMem.map((a, i) => {
      const b = before[i]!;
      const n = a.conns - b.conns;
      return {
        connections: n,
        rssMiB: +(a.rss / 2 ** 20).toFixed(1),
        rssPerConnKiB: +((a.rss - b.rss) / n / 1024).toFixed(1),
        heapPerConnKiB: +((a.heap - b.heap) / n / 1024).toFixed(1),
      };
    });
    const result = {
      open,
      failed,
      connectMs,
      connectsPerSec: Math.round(open / (connectMs / 1000)),
      perGateway,
    };
    console.log(`connections: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await stop();
  }
}
