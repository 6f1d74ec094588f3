/**
 * Throughput through one Redis across three gateways. Each sender owns a room (owners have the staff send
 * rate, 100/s) on its own gateway and sends at a fixed pace; every receiver joins every sender's room, so
 * every publication reaches every gateway. One load-generator process sends, another receives. Reports
 * accepted and delivered messages per second and send-to-ack latency, per run and the median of the runs.
 */
import { startCluster } from '../packages/server/test/support/cluster.ts';
import { joinCommunity, ownRoom, registerUsers, sourceAddresses } from './http.ts';
import type { ClientSpec } from './loadgen.ts';
import { track } from './cleanup.ts';
import { LoadGen, median, percentile } from './loadgens.ts';

export interface ThroughputOptions {
  gateways: number;
  sendersPerGateway: number;
  receiversPerGateway: number;
  /** Sends per second per sender (under the owner limit of 100/s). */
  rate: number;
  durationMs: number;
  /** A first, uncounted run: JIT, caches and Redis connections warm up. */
  warmupMs: number;
  runs: number;
}

export interface ThroughputRun {
  offered: number;
  accepted: number;
  delivered: number;
  p50: number;
  p99: number;
  errors: Record<string, number>;
}

export async function throughput(
  o: ThroughputOptions,
): Promise<{ runs: ThroughputRun[]; median: ThroughputRun }> {
  const cluster = await startCluster({ gateways: o.gateways, env: { LIGHTSTICK_LOG_LEVEL: 'info' } });
  const sendGen = new LoadGen();
  const recvGen = new LoadGen();
  const stop = track(async () => {
    await Promise.all([sendGen.stop(), recvGen.stop()]);
    await cluster.stop();
  });
  try {
    const api = cluster.api.baseUrl;
    const tag = Math.random().toString(36).slice(2, 7);
    const nSend = o.sendersPerGateway * o.gateways;
    const nRecv = o.receiversPerGateway * o.gateways;
    const tokens = await registerUsers(api, nSend + nRecv, tag);
    const senderTokens = tokens.slice(0, nSend);
    const receiverTokens = tokens.slice(nSend);
    const rooms = await Promise.all(senderTokens.map((t, i) => ownRoom(api, t, `bt${tag}${i}`)));
    for (const t of receiverTokens) for (const r of rooms) await joinCommunity(api, t, r.communityId);

    const url = (i: number) => cluster.wsUrls[i % o.gateways] as string;
    const senders: ClientSpec[] = senderTokens.map((token, i) => ({
      url: url(i),
      token,
      rooms: [rooms[i]!.id],
      rate: o.rate,
    }));
    const receivers: ClientSpec[] = receiverTokens.map((token, i) => ({
      url: url(i),
      token,
      rooms: rooms.map((r) => r.id),
      rate: 0,
    }));
    const addrs = sourceAddresses(2);
    const [s, r] = await Promise.all([sendGen.connect(senders, addrs), recvGen.connect(receivers, addrs)]);
    if (s.failed + r.failed > 0)
      throw new Error(`clients failed to connect: ${s.failed} senders, ${r.failed} receivers`);
    console.log(
      `throughput: ${nSend} senders x ${o.rate}/s, ${nRecv} receivers in all ${rooms.length} rooms, ${o.gateways} gateways`,
    );

    if (o.warmupMs > 0) await Promise.all([sendGen.run(o.warmupMs), recvGen.run(o.warmupMs)]);
    const runs: ThroughputRun[] = [];
    for (let i = 0; i < o.runs; i++) {
      const [ss, rs] = await Promise.all([sendGen.run(o.durationMs), recvGen.run(o.durationMs)]);
      const secs = ss.elapsedMs / 1000;
      const lat = ss.latencies.sort((a, b) => a - b);
      const run: ThroughputRun = {
        offered: Math.round(nSend * o.rate),
        accepted: Math.round(ss.acked / secs),
        delivered: Math.round(rs.delivered / secs),
        p50: +percentile(lat, 50).toFixed(2),
        p99: +percentile(lat, 99).toFixed(2),
        errors: ss.errors,
      };
      runs.push(run);
      console.log(`  run ${i + 1}: ${JSON.stringify(run)}`);
    }
    const med: ThroughputRun = {
      offered: runs[0]?.offered ?? 0,
      accepted: median(runs.map((x) => x.accepted)),
      delivered: median(runs.map((x) => x.delivered)),
      p50: median(runs.map((x) => x.p50)),
      p99: median(runs.map((x) => x.p99)),
      errors: {},
    };
    console.log(`  median: ${JSON.stringify(med)}`);
    return { runs, median: med };
  } finally {
    await stop();
  }
}
