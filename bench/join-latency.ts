/**
 * How long an SDK client takes from `connect()` to a joined room when the network has a round trip, which
 * loopback does not: the fan-out benchmark's clients reach the gateways in microseconds, so a round trip the
 * protocol makes a client wait cannot show there. A phone's is 50–300 ms.
 *
 * A TCP proxy in front of an in-process server delays what it forwards by `oneWayMs` in each direction; clients
 * of `@lightstick/client` connect through it one after another and time `connect()` until `join()` resolves
 * (their tokens are fetched beforehand, over loopback). Prints the median and every run.
 *
 * `npm run bench:join-latency -- [oneWayMs=50] [runs=9]`
 */
import net from 'node:net';
import { startLightstick } from '../packages/server/test/support/harness.ts';
import { signedInUser } from '../packages/server/test/support/client-support.ts';
import { uniqueName } from '../packages/server/test/support/api.ts';

const oneWayMs = Number(process.argv[2] ?? 50);
const runs = Number(process.argv[3] ?? 9);

/** A proxy to `target` that holds every chunk `delayMs` before forwarding it, both ways. */
async function delayingProxy(target: URL, delayMs: number): Promise<net.Server> {
  const proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    const forward = (from: net.Socket, to: net.Socket) =>
      from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
    forward(client, server);
    forward(server, client);
    for (const [a, b] of [
      [client, server],
      [server, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return proxy;
}

const srv = await startLightstick();
const target = new URL(srv.wsUrl);
const proxy = await delayingProxy(target, oneWayMs);
const url = `ws://127.0.0.1:${(proxy.address() as net.AddressInfo).port}${target.pathname}`;
const owner = await signedInUser(srv.baseUrl, srv.wsUrl);
await owner.makeCreator();
const community = await owner.api.createCommunity({ slug: uniqueName('rtt'), name: 'Round trips' });
const room = (await owner.api.listRooms(community.id))[0]!;

const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const fan = await signedInUser(srv.baseUrl, url);
  await fan.api.joinCommunity(room.communityId);
  await fan.api.getAccessToken({ forceRefresh: false });
  const started = performance.now();
  fan.rt.connect();
  await fan.rt.join(room.id);
  times.push(performance.now() - started);
  fan.rt.close();
}
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `one-way delay ${oneWayMs} ms (a ${2 * oneWayMs} ms round trip): connect() to joined, median ` +
    `${sorted[Math.floor(runs / 2)]!.toFixed(0)} ms; runs ${times.map((t) => t.toFixed(0)).join(', ')} ms`,
);
proxy.close();
await srv.stop();
