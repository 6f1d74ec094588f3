/**
 * `npm run bench [-- <scenario> [--key value ...]]`: starts its own processes on the local Redis
 * (LIGHTSTICK_TEST_REDIS_URL, default redis://127.0.0.1:6379, under a unique key prefix) and PostgreSQL
 * (LIGHTSTICK_TEST_PG_URL, a unique schema), runs the scenario, prints the figures, and stops everything.
 * A hard deadline ends the whole run however it goes. Scenarios:
 *   throughput   (default) messages per second through one Redis across three gateways, median of --runs
 *   connections  idle authenticated connections over gateway processes; memory per connection
 *   all          both
 *   idle, live, broadcast, storm   the fan-out scenarios of issue 6 (bench/live.ts), Lightstick and the
 *                Socket.IO peer in the same run (`--engines lightstick,socketio`; `floor` adds fan-out with no
 *                engine, bench/peer/floor.mjs, what the machine gives); `--profile` adds --cpu-prof,
 *                `--profile-loadgens` the same for the load generators, `--heap-snapshot` a heap snapshot per
 *                gateway;
 *                `live --rates 5,20,50` measures each rate in turn on the same connections;
 *                `--viewer-nice 10` runs the viewers' load generators at that priority (slow readers);
 *                `--allocator-env 0` starts the servers without the image's allocator settings;
 *                `--floor-message full` makes the floor's message as large as Lightstick's;
 *                `--semi-space N` starts every server with V8's young generation capped (MiB a semi-space);
 *                `storm --killed N` puts N clients on the gateway the storm kills, the rest on the others;
 *                `--tokens-per-user N` gives each account N distinct access tokens (each checked once);
 *                `--max-interval MS` sets each gateway's longest interval between a room's flushes;
 *                `--deflate 0` starts the gateways with permessage-deflate off (LIGHTSTICK_WS_DEFLATE=false)
 * Figures are recorded in docs/benchmarks.md.
 */
import { stopAll } from './cleanup.ts';
import { connections, type ConnectionsOptions } from './connections.ts';
import { throughput, type ThroughputOptions } from './throughput.ts';
import { live, type Scenario } from './live.ts';
import type { Engine } from './live-loadgen.ts';

const LIVE: Scenario[] = ['idle', 'live', 'broadcast', 'storm'];

const args = process.argv.slice(2);
const scenario = args[0] && !args[0].startsWith('--') ? args.shift()! : 'throughput';
const flags = new Map<string, number>();
let engines: Engine[] = ['lightstick', 'socketio'];
let rates: number[] | undefined;
let floorMessage: 'short' | 'full' = 'short';
for (let i = 0; i < args.length; i += 2) {
  const key = args[i]?.replace(/^--/, '') ?? '';
  if (
    (key === 'profile' || key === 'profile-loadgens' || key === 'heap-snapshot') &&
    (args[i + 1] === undefined || args[i + 1]!.startsWith('--'))
  ) {
    flags.set(key, 1);
    i--;
    continue;
  }
  if (key === 'rates') {
    rates = (args[i + 1] ?? '').split(',').map(Number);
    if (rates.length === 0 || !rates.every((r) => Number.isFinite(r) && r > 0)) {
      console.error(`bad flag --rates ${args[i + 1] ?? ''}: rates are positive numbers, comma separated`);
      process.exit(2);
    }
    continue;
  }
  if (key === 'floor-message') {
    const v = args[i + 1];
    if (v !== 'short' && v !== 'full') {
      console.error(
        `bad flag --floor-message ${v ?? ''}: short (text and position) or full (Lightstick's size)`,
      );
      process.exit(2);
    }
    floorMessage = v;
    continue;
  }
  if (key === 'engines') {
    engines = (args[i + 1] ?? '')
      .split(',')
      .filter((e): e is Engine => e === 'lightstick' || e === 'socketio' || e === 'floor');
    continue;
  }
  const value = Number(args[i + 1]);
  if (!key || !Number.isFinite(value)) {
    console.error(`bad flag ${args[i]} ${args[i + 1] ?? ''}: flags are --name number`);
    process.exit(2);
  }
  flags.set(key, value);
}
const flag = (name: string, def: number) => flags.get(name) ?? def;
/**
 * A whole-number flag within [min, max] (and, `liveOnly`, given to a fan-out scenario), or the run ends with code
 * 2 and `why`.
 */
function wholeFlag(
  name: string,
  min: number,
  max: number,
  why: string,
  liveOnly = false,
): number | undefined {
  const v = flags.get(name);
  if (
    v !== undefined &&
    ((liveOnly && !LIVE.includes(scenario as Scenario)) || !Number.isInteger(v) || v < min || v > max)
  ) {
    console.error(`bad flag --${name} ${v}: ${why}`);
    process.exit(2);
  }
  return v;
}
const semiSpace = wholeFlag('semi-space', 1, 256, 'MiB a semi-space, a whole number from 1 to 256');
const viewerNice = wholeFlag('viewer-nice', 0, 19, 'a nice value from 0 to 19');
const killed = flags.get('killed');
if (
  killed !== undefined &&
  (scenario !== 'storm' || !Number.isInteger(killed) || killed < 1 || killed >= flag('connections', 5000))
) {
  console.error(`bad flag --killed ${killed}: storm only, a whole number of clients below --connections`);
  process.exit(2);
}

// The server's own range for LIGHTSTICK_FANOUT_MAX_INTERVAL_MS (config/load.ts).
const maxInterval = wholeFlag(
  'max-interval',
  10,
  10_000,
  'idle, live, broadcast or storm, ms from 10 to 10000',
  true,
);
const tokensPerUser = wholeFlag(
  'tokens-per-user',
  1,
  100,
  'idle, live, broadcast or storm, a whole number 1-100',
  true,
);

const throughputOpts: ThroughputOptions = {
  gateways: flag('gateways', 3),
  sendersPerGateway: flag('senders', 8),
  receiversPerGateway: flag('receivers', 4),
  rate: flag('rate', 80),
  durationMs: flag('seconds', 10) * 1000,
  warmupMs: flag('warmup', 3) * 1000,
  runs: flag('runs', 3),
};
const connectionsOpts: ConnectionsOptions = {
  gateways: flag('gateways', 2),
  loadGens: flag('loadgens', 2),
  connections: flag('connections', 20_000),
  users: flag('users', 100),
  rooms: flag('rooms', 10),
  holdMs: flag('hold', 5) * 1000,
};

const abort = (why: string) => {
  console.error(`bench: ${why}; stopping everything it started`);
  void stopAll().then(() => process.exit(1));
};
const deadline = setTimeout(() => abort('hard deadline reached'), flag('deadline', 600) * 1000);
process.once('SIGINT', () => abort('interrupted'));
process.once('SIGTERM', () => abort('terminated'));

async function main(): Promise<void> {
  if (LIVE.includes(scenario as Scenario)) {
    await live({
      scenario: scenario as Scenario,
      engines,
      gateways: flag('gateways', 2),
      loadGens: flag('loadgens', 2),
      connections: flag('connections', 5000),
      users: flag('users', 50),
      senders: flag('senders', 10),
      rates: rates ?? [flag('rate', 20)],
      artistEveryMs: flag('artist-every', 2000),
      hearts: flag('hearts', 0),
      durationMs: flag('seconds', 20) * 1000,
      settleMs: flag('settle', 5) * 1000,
      holdMs: flag('hold', 3) * 1000,
      profile: flag('profile', 0) === 1,
      profileLoadgens: flag('profile-loadgens', 0) === 1,
      heapSnapshot: flag('heap-snapshot', 0) === 1,
      ...(flags.has('budget') ? { budget: flag('budget', 0) } : {}),
      ...(maxInterval !== undefined ? { maxIntervalMs: maxInterval } : {}),
      ...(flags.has('join-concurrency') ? { joinConcurrency: flag('join-concurrency', 0) } : {}),
      ...(viewerNice !== undefined ? { viewerNice } : {}),
      allocatorEnv: flag('allocator-env', 1) === 1,
      deflate: flag('deflate', 1) === 1,
      floorFullMessage: floorMessage === 'full',
      ...(semiSpace !== undefined ? { semiSpaceMiB: semiSpace } : {}),
      ...(killed !== undefined ? { killed } : {}),
      ...(tokensPerUser !== undefined ? { tokensPerUser } : {}),
    });
    return;
  }
  if (!['throughput', 'connections', 'all'].includes(scenario)) {
    console.error(`unknown scenario "${scenario}": throughput, connections, all, ${LIVE.join(', ')}`);
    process.exit(2);
  }
  if (scenario === 'throughput' || scenario === 'all') await throughput(throughputOpts);
  if (scenario === 'connections' || scenario === 'all') await connections(connectionsOpts);
}

main().then(
  () => {
    clearTimeout(deadline);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(err);
    void stopAll().then(() => process.exit(1));
  },
);
