/**
 * The fan-out scenarios of issue 6, run against Lightstick (the compiled server: an api process and
 * `--gateways` gateway processes in scale-out mode) and then against the peer (Socket.IO 4 with
 * @socket.io/redis-adapter, as many processes on the same Redis) with the same load in the same run:
 *   idle       N connections in one room: server RSS per connection, connect rate
 *   live       N viewers, `--senders` fans sending `--rate` msgs/s in all (and tapping `--hearts` a second,
 *              Lightstick only) plus the artist every `--artist-every` ms: fan and artist latency (p50/p99),
 *              loss per message per client, send-to-ack p99, server CPU per delivered message (/proc)
 *   broadcast  one artist message to all N: time until the last client has it
 *   storm      live load; SIGKILL the last gateway a third of the way in: time until its clients are back in the
 *              room on the others (Lightstick resumes from its position; Socket.IO has none), loss
 * Prints a table and one JSON line per run, writes an SVG of latency over time under bench/out/, and with
 * `--profile` runs the gateways under `node --cpu-prof` into bench/profiles/ (gitignored), `--profile-loadgens` the
 * load generators (the clients share the servers' cores: what they cost, docs/benchmarks.md "Stop 49");
 * `--heap-snapshot` has each gateway write a V8 heap snapshot there once the connections are made (what a
 * connection holds).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../packages/server/test/support/cluster.ts';
import { ALLOCATOR_ENV } from '../packages/server/src/config/allocator-env.ts';
import { socketBudget } from '../packages/server/src/app/workers.ts';
import { addressesFor, joinCommunity, ownRoom, registerUsersWithTokens } from './http.ts';
import { track } from './cleanup.ts';
import { count, maxOf, mergeInto, newHist, pct, sum } from './hist.ts';
import type { Engine, FromLive, LiveClientSpec, LiveStats, ToLive } from './live-loadgen.ts';
import {
  cpuMs,
  loopbackBytes,
  machineCpuMs,
  readCalls,
  rssBytes,
  runQueueMs,
  spent,
  tcpTrouble,
  usage,
  writeCalls,
} from './proc.ts';
import { startPeerCluster, type PeerCluster, type PeerKind } from './peer/cluster.ts';
import { deliveredWhole, highestRate, lossFigures, perDelivery, round } from './owed.ts';
import { gcBetween, pacingBetween, percentileBetween, scrape } from './server-metrics.ts';
import { writeChart } from './chart.ts';
import { flameGraphSvg, foldFiles, profileFiles, type Window } from './flamegraph.ts';
import { median } from './loadgens.ts';
import { gatewayOf, survivorsFor } from './storm-spread.ts';

const LOADGEN = fileURLToPath(new URL('./live-loadgen.ts', import.meta.url));
const OUT = fileURLToPath(new URL('./out/', import.meta.url));
const PROFILES = fileURLToPath(new URL('./profiles/', import.meta.url));

export type Scenario = 'idle' | 'live' | 'broadcast' | 'storm';

export interface LiveOptions {
  scenario: Scenario;
  engines: Engine[];
  gateways: number;
  loadGens: number;
  connections: number;
  users: number;
  senders: number;
  /** Fan messages per second into the room, in all; `live` runs one phase per rate on the same connections. */
  rates: number[];
  artistEveryMs: number;
  /**
   * Heart taps a second into the room in all (`heart` ops from the fan senders), so the room's count moves all
   * through a phase as in a live; Lightstick only (the peers count no hearts). 0: none.
   */
  hearts: number;
  durationMs: number;
  settleMs: number;
  holdMs: number;
  profile: boolean;
  /** The load generators under `node --cpu-prof` too, into their own folder beside the gateways'. */
  profileLoadgens?: boolean;
  /** After the hold, each gateway writes a V8 heap snapshot (`--heapsnapshot-signal`) into bench/profiles/. */
  heapSnapshot: boolean;
  /** Each gateway's fan-out budget, frames per second (LIGHTSTICK_FANOUT_FRAMES_PER_SEC); unset: the default. */
  budget?: number;
  /** Each gateway's longest interval between a room's flushes, ms (LIGHTSTICK_FANOUT_MAX_INTERVAL_MS); unset: 1000. */
  maxIntervalMs?: number;
  /** Each gateway's joins handled at once (LIGHTSTICK_JOIN_CONCURRENCY); unset: the default. */
  joinConcurrency?: number;
  /**
   * The viewer load generators' scheduling priority (nice, 0-19); unset: 0. Above 0 the gateways get the CPU
   * first and the viewers read later than they are written to, as slow phones do: their receive queues fill and the
   * gateways write to sockets that cannot take it all (the senders' process keeps priority 0).
   */
  viewerNice?: number;
  /**
   * The servers start with the allocator settings the Docker image sets (config/allocator-env.ts); false starts
   * them with the C library's defaults (`--allocator-env 0`, to measure what the settings do).
   */
  allocatorEnv: boolean;
  /** Whether Lightstick's gateways accept permessage-deflate (LIGHTSTICK_WS_DEFLATE); the clients always offer it. */
  deflate: boolean;
  /**
   * The floor writes each message with every field of Lightstick's chat message (`--floor-message full`), so the
   * two write frames of the same size: what the frame's size costs, apart from the engine (stop 37).
   */
  floorFullMessage?: boolean;
  /**
   * Every server (Lightstick's gateways and the peers') starts with V8's young generation capped at this many MiB
   * a semi-space (`--semi-space N`: node's `--max-semi-space-size`); unset: V8's default (16 MiB on this machine,
   * a young generation of 32). What a smaller young generation saves in memory and costs in collections (stop 38).
   */
  semiSpaceMiB?: number;
  /**
   * `storm` only: the clients on the gateway the storm kills (`--killed N`), the rest spread over the others;
   * unset: every gateway an equal share (`gatewayOf`).
   */
  killed?: number;
  /**
   * Lightstick only: distinct access tokens per account (`--tokens-per-user N`, default 1), handed round so
   * every client of an account has one of N; `--users 2000 --tokens-per-user 10` gives 20 000 clients 20 000
   * tokens, each checked once as a fan's own would be (stop 46).
   */
  tokensPerUser?: number;
}

class Gen {
  private readonly child: ChildProcess;
  private waiting: ((m: FromLive) => void) | undefined;
  /** `profileDir`: run under `--cpu-prof`, writing the profile there when the process exits. */
  constructor(profileDir?: string) {
    this.child = fork(LOADGEN, [], {
      execArgv: [
        '--import',
        'tsx',
        '--conditions=@lightstick/source',
        '--max-old-space-size=4096',
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: FromLive) => {
      const w = this.waiting;
      this.waiting = undefined;
      w?.(m);
    });
  }
  ask(msg: ToLive): Promise<FromLive> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.child.send(msg);
    });
  }
  async stats(): Promise<LiveStats> {
    const m = await this.ask({ type: 'stats' });
    if (m.type !== 'stats') throw new Error('expected stats');
    return m.stats;
  }
  get pid(): number {
    return this.child.pid ?? 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', () => (clearTimeout(t), resolve()));
      if (this.child.connected) this.child.send({ type: 'stop' });
      else this.child.kill('SIGKILL');
    });
  }
}

function merge(all: LiveStats[]) {
  const out = {
    sent: 0,
    acked: 0,
    refused: 0,
    errors: {} as Record<string, number>,
    received: { fan: 0, artist: 0 },
    hist: { ack: newHist(), fan: newHist(), artist: newHist() },
    series: new Map<number, [number[], number[]]>(),
    kept: new Map<number, number[]>(),
    dropped: 0,
    back: 0,
    backAt: [] as number[],
    steps: { lost: [] as number[], hello: [] as number[], authed: [] as number[] },
    ids: new Set<string>(),
  };
  for (const s of all) {
    for (const id of s.ids) out.ids.add(id);
    out.sent += s.sent;
    out.acked += s.acked;
    out.refused += s.refused;
    for (const [k, v] of Object.entries(s.errors)) out.errors[k] = (out.errors[k] ?? 0) + v;
    out.received.fan += s.received.fan;
    out.received.artist += s.received.artist;
    mergeInto(out.hist.ack, s.hist.ack);
    mergeInto(out.hist.fan, s.hist.fan);
    mergeInto(out.hist.artist, s.hist.artist);
    for (const [sec, f, a] of s.series) {
      const cur = out.series.get(sec) ?? [newHist(), newHist()];
      mergeInto(cur[0], f);
      mergeInto(cur[1], a);
      out.series.set(sec, cur);
    }
    for (const [sec, h] of s.kept) {
      const cur = out.kept.get(sec) ?? newHist();
      mergeInto(cur, h);
      out.kept.set(sec, cur);
    }
    out.dropped += s.dropped;
    out.back += s.back;
    for (const at of s.backAt) out.backAt.push(at);
    for (const k of ['lost', 'hello', 'authed'] as const) for (const at of s.steps[k]) out.steps[k].push(at);
  }
  return out;
}

/** Times (Date.now()) as ms after the kill, in order. */
const afterKill = (times: number[], killAt: number) => times.map((at) => at - killAt).sort((a, b) => a - b);

/**
 * When a share `q` of the dropped clients had done a step (`after`: afterKill of the times they did it, one each
 * at most); null when not that many did.
 */
function byShare(after: number[], dropped: number, q: number): number | null {
  const i = Math.ceil(q * dropped) - 1;
  return dropped > 0 && i < after.length ? after[Math.max(0, i)]! : null;
}

/** `survivorsFor` with this process's socket budget; undefined where the limit cannot be read. */
export async function survivorsRoom(
  o: Pick<LiveOptions, 'connections' | 'gateways' | 'killed'>,
): Promise<number | undefined> {
  const budget = await socketBudget(() => readFile('/proc/self/limits', 'utf8'));
  return budget === undefined ? undefined : survivorsFor(o, budget);
}

/** The storm's figures: the reconnect curve and where the half-way client waited. */
function stormFigures(all: ReturnType<typeof merge>, killAt: number, room: number | undefined) {
  const back = afterKill(all.backAt, killAt);
  const half = (times: number[]) => byShare(afterKill(times, killAt), all.dropped, 0.5);
  return {
    dropped: all.dropped,
    // Of those, how many the survivors' socket budgets can take (more cannot come back on this machine).
    ...(room !== undefined ? { survivorsRoom: room } : {}),
    back: all.back,
    allBackMs: all.back >= all.dropped && back.length > 0 ? back.at(-1)! : null,
    // The reconnect curve: when half, nine in ten and all but one in a hundred of the dropped clients were back
    // and resumed (ms after the kill), and how many were back within the target's 15 s.
    backP50Ms: byShare(back, all.dropped, 0.5),
    backP90Ms: byShare(back, all.dropped, 0.9),
    backP99Ms: byShare(back, all.dropped, 0.99),
    backIn15s: back.filter((ms) => ms <= 15_000).length,
    // Where the half-way client was on its way back: its close seen, `hello` on the new socket, `authed` (the
    // last two are Lightstick's frames: null for the peer).
    lostP50Ms: half(all.steps.lost),
    helloP50Ms: half(all.steps.hello),
    authedP50Ms: half(all.steps.authed),
  };
}

/** One histogram of the per-second ones from second `from` on. */
function keptSince(kept: Map<number, number[]>, from: number): number[] {
  const out = newHist();
  for (const [sec, h] of kept) if (sec >= from) mergeInto(out, h);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The phase's pacing (bench/server-metrics.ts, pacingBetween) as result fields: `framesPerViewerS` (fan-out
 * frames each viewer got per second while the load ran), `msgsPerFrame`, and the gateways' `intervalMs`,
 * `budgetFps` and `writerBusy` (the fan-out writer's busy share; lowest and highest) at its end. Read against
 * `rate`, they are the curve of the interval against the load (docs/benchmarks.md).
 */
function pacing(
  before: Awaited<ReturnType<typeof scrape>>,
  after: Awaited<ReturnType<typeof scrape>>,
  viewers: number,
  sending: { wallMs: number } | undefined,
) {
  const p = sending ? pacingBetween(before, after, viewers, sending.wallMs / 1000) : undefined;
  if (p === undefined) return {};
  return {
    framesPerViewerS: round(p.framesPerViewerS, 2),
    msgsPerFrame: round(p.msgsPerFrame, 2),
    intervalMs: p.intervalMs.map((x) => Math.round(x)),
    budgetFps: p.budgetFps.map((x) => Math.round(x)),
    writerBusy: p.writerBusy.map((x) => round(x, 2)),
  };
}

interface Servers {
  pids: () => number[];
  urls: string[];
  /** Each gateway's HTTP base URL, to read its `/metrics` (Lightstick's; the peer has none). */
  metricsUrls: string[];
  /** SIGKILL the last gateway (the artist, client 0, is on the first). */
  killLast(): void;
  stop(): Promise<void>;
  specs(o: LiveOptions): Promise<LiveClientSpec[]>;
}

async function lightstickServers(
  o: LiveOptions,
  profileDir: string | undefined,
  stamp: string,
): Promise<Servers> {
  const cluster: Cluster = await startCluster({
    gateways: o.gateways,
    compiled: true,
    env: {
      // As the Docker image runs it (every server the benchmark starts gets the same, the peers' too).
      ...(o.allocatorEnv ? ALLOCATOR_ENV : {}),
      LIGHTSTICK_LOG_LEVEL: 'info', // the harness waits for the "listening" line
      // The benchmark's fans send faster than a fan may (20/30s): the load is the point, not the limit.
      LIGHTSTICK_SEND_RATE_FAN: 'off',
      LIGHTSTICK_SEND_RATE_ROOM: 'off',
      // Thousands of clients come from a handful of loopback addresses (the peer has no such limits).
      LIGHTSTICK_ADDRESS_CONNECT_LIMIT: '1000000',
      LIGHTSTICK_ADDRESS_JOIN_LIMIT: '1000000',
      // The default budget assumes a core per gateway; six gateways sharing two cores get a share each.
      ...(o.budget !== undefined ? { LIGHTSTICK_FANOUT_FRAMES_PER_SEC: String(o.budget) } : {}),
      ...(o.maxIntervalMs !== undefined
        ? { LIGHTSTICK_FANOUT_MAX_INTERVAL_MS: String(o.maxIntervalMs) }
        : {}),
      ...(o.joinConcurrency !== undefined ? { LIGHTSTICK_JOIN_CONCURRENCY: String(o.joinConcurrency) } : {}),
      ...(o.deflate ? {} : { LIGHTSTICK_WS_DEFLATE: 'false' }),
    },
    gatewayNodeArgs: nodeArgs(o, profileDir),
  });
  const gws = cluster.gateways;
  let killing = false;
  let stopping = false;
  // A gateway that dies unasked says why (its last output) instead of showing up as failed connections.
  for (const g of gws)
    void g.exited.then(({ code, signal }) => {
      if (!killing && !stopping)
        console.error(`gateway ${g.pid} exited (${code ?? signal}):\n${g.output().slice(-4000)}`);
    });
  return {
    pids: () => gws.map((g) => g.pid),
    urls: cluster.wsUrls,
    metricsUrls: gws.map((g) => g.baseUrl),
    killLast: () => {
      killing = true;
      void gws.at(-1)?.kill('SIGKILL');
    },
    stop: () => {
      stopping = true;
      // The gateways' warnings and errors (a refused join says why there), one file each under bench/out/.
      mkdirSync(OUT, { recursive: true });
      for (const [i, g] of gws.entries()) {
        const lines = g
          .output()
          .split('\n')
          .filter((l) => /"level":(4|5|6)\d/.test(l));
        writeFileSync(`${OUT}${stamp}-gateway-${i}.log`, lines.slice(-2000).join('\n'));
      }
      return cluster.stop();
    },
    async specs(o) {
      const api = cluster.api.baseUrl;
      const tag = Math.random().toString(36).slice(2, 7);
      const users = Math.max(o.users, o.senders + 2);
      const perUser = o.tokensPerUser ?? 1;
      const tokens = await registerUsersWithTokens(api, users, tag, perUser);
      const room = await ownRoom(api, tokens[0]![0]!, `bl${tag}`);
      for (const [t] of tokens.slice(1)) await joinCommunity(api, t!, room.communityId);
      // Client i > 0 is fan 1 + i % (users - 1), with that fan's (i / (users - 1)) % perUser-th token.
      return specsFor(o, cluster.wsUrls, room.id, (i) =>
        i === 0 ? tokens[0]![0]! : tokens[1 + (i % (users - 1))]![Math.floor(i / (users - 1)) % perUser]!,
      );
    },
  };
}

/** The Socket.IO peer, or the floor (bench/peer/floor.mjs: fan-out with no engine, spoken to as Lightstick). */
async function peerServers(kind: PeerKind, o: LiveOptions, profileDir: string | undefined): Promise<Servers> {
  const peer: PeerCluster = await startPeerCluster(kind, o.gateways, nodeArgs(o, profileDir), {
    ...(o.allocatorEnv ? ALLOCATOR_ENV : {}),
    ...(kind === 'floor' && o.floorFullMessage === true ? { FLOOR_FULL_MESSAGE: '1' } : {}),
  });
  const urls = peer.gateways.map((g) => (kind === 'floor' ? `ws://127.0.0.1:${g.port}/ws` : g.url));
  return {
    pids: () => peer.gateways.map((g) => g.pid),
    urls,
    metricsUrls: [],
    killLast: () => peer.kill(peer.gateways.length - 1),
    stop: () => peer.stop(),
    specs: (o) => Promise.resolve(specsFor(o, urls, 'live', () => '')),
  };
}

/** Client 0 is the artist, clients 1..senders the fan senders, the rest viewers; spread over the gateways. */
function specsFor(
  o: LiveOptions,
  urls: string[],
  room: string,
  token: (i: number) => string,
): LiveClientSpec[] {
  return Array.from({ length: o.connections }, (_, i) => {
    const g = gatewayOf(i, { ...o, gateways: urls.length });
    return {
      urls: [...urls.slice(g), ...urls.slice(0, g)],
      token: token(i),
      room,
      role: i === 0 ? 'artist' : i <= o.senders && o.scenario !== 'idle' ? 'fan' : 'viewer',
    };
  });
}

/**
 * Reads the processes' RSS once a second while they hold (at least once): each one's last reading, and the sums
 * of the readings taken in the second half of `ms`.
 */
async function sampleRss(pids: number[], ms: number): Promise<{ last: number[]; heldTotals: number[] }> {
  const end = Date.now() + ms;
  const from = end - ms / 2;
  const heldTotals: number[] = [];
  let last: number[];
  do {
    await sleep(Math.min(1000, Math.max(0, end - Date.now())));
    last = pids.map(rssBytes);
    if (Date.now() >= from) heldTotals.push(sum(last));
  } while (Date.now() < end);
  return { last, heldTotals };
}

/**
 * The gateways' node flags: `--semi-space`, and for `--profile` (CPU profiles) and `--heap-snapshot` (written on
 * SIGUSR2) the folder `dir` they write into.
 */
function nodeArgs(o: LiveOptions, dir: string | undefined): string[] {
  return [
    ...(o.semiSpaceMiB !== undefined ? [`--max-semi-space-size=${o.semiSpaceMiB}`] : []),
    ...(dir && o.profile ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []),
    ...(dir && o.heapSnapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] : []),
  ];
}

/** Signals each gateway to write a heap snapshot and waits until every file is complete (its size stops growing). */
async function heapSnapshots(pids: number[], dir: string): Promise<void> {
  const sizes = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.heapsnapshot'))
      .map((f) => statSync(`${dir}/${f}`).size);
  const before = sizes().length;
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  let last = '';
  for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
    await sleep(2000);
    const now = sizes();
    if (now.length - before >= pids.length && now.join() === last) return;
    last = now.join();
  }
  console.error('bench: heap snapshots did not complete within 5 minutes');
}

async function runEngine(o: LiveOptions, engine: Engine, stamp: string) {
  const profileDir = o.profile || o.heapSnapshot ? `${PROFILES}${stamp}-${o.scenario}-${engine}` : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const servers =
    engine === 'lightstick'
      ? await lightstickServers(o, profileDir, stamp)
      : await peerServers(engine, o, profileDir);
  // gens[0] holds the artist and the fan senders and nothing else: their send-to-ack is the server's, not a load
  // generator's busy with thousands of viewers (real senders are on their own phones). The viewers are spread
  // over the other `--loadgens` processes. `idle` has no senders: the artist is a viewer there.
  const withSenders = o.scenario !== 'idle';
  const loadgenDir = o.profileLoadgens ? `${PROFILES}${stamp}-${o.scenario}-${engine}-loadgens` : undefined;
  if (loadgenDir) mkdirSync(loadgenDir, { recursive: true });
  const gens = Array.from({ length: o.loadGens + (withSenders ? 1 : 0) }, () => new Gen(loadgenDir));
  const viewerGens = withSenders ? gens.slice(1) : gens;
  if (o.viewerNice !== undefined) for (const g of viewerGens) setPriority(g.pid, o.viewerNice);
  const stop = track(async () => {
    await Promise.all(gens.map((g) => g.stop()));
    await servers.stop();
  });
  // The phases' windows on the monotonic clock, for one flame graph each once the profiles are written.
  const windows: (Window & { name: string })[] = [];
  try {
    const specs = await servers.specs(o);
    const pids = servers.pids();
    const viewers = withSenders ? specs.filter((c) => c.role === 'viewer') : specs;
    // Each load generator takes a contiguous block of viewers, so it holds clients of every gateway (they go
    // round the gateways). Dealt round-robin instead, with as many load generators as gateways each process held
    // ONE gateway's clients: the storm's killed gateway sent all 12 000 of its clients back through one
    // single-threaded load generator, which took 30 s to reconnect them on a saturated box (stop 20).
    const block = (k: number) => Math.round((k * viewers.length) / viewerGens.length);
    const clientsOf = (k: number) => {
      if (withSenders && k === 0) return specs.filter((c) => c.role !== 'viewer');
      const v = k - (withSenders ? 1 : 0);
      return viewers.slice(block(v), block(v + 1));
    };
    const slices = gens.map((_, k) => clientsOf(k));
    const addrs = addressesFor(slices.map((c) => c.length));
    const connect = async (pick: (all: LiveClientSpec[], k: number) => LiveClientSpec[]) =>
      Promise.all(
        gens.map(async (g, k) => {
          const m = await g.ask({
            type: 'connect',
            engine,
            clients: pick(slices[k]!, k),
            localAddresses: addrs[k]!,
            concurrency: 100,
          });
          if (m.type !== 'stats') throw new Error('expected stats');
          return m.stats;
        }),
      );
    // First one viewer per gateway (the first viewers go round the gateways), then the CPU baseline: a gateway
    // loads what serving a room needs on its first join (the language detector, stop 22), a cost per process, not
    // per connection. The pause lets that load (a later turn of its loop) finish.
    const rssStart = pids.map(rssBytes);
    const primer = withSenders ? 1 : 0;
    const primed = (k: number) => (k === primer ? Math.min(o.gateways, slices[k]!.length) : 0);
    const prime = await connect((all, k) => all.slice(0, primed(k)));
    const openPrimed = prime.reduce((n, s) => n + s.open, 0);
    await sleep(2000);
    const rssServing = pids.map(rssBytes);
    const beforeConnect = usage(pids);
    const connectFromUs = monotonicUs();
    // Then two waves, each half of every load generator's other clients: the first also warms the gateways up (V8
    // compiles the connect path's hot functions while it runs: a fifth of the gateways' CPU in a `perf` profile
    // of 10 000 connects from a fresh start, stop 22), so the second's CPU per connection is what a gateway that
    // has been up a while pays.
    const half = (all: LiveClientSpec[], k: number, which: 0 | 1) => {
      const rest = all.slice(primed(k));
      const cut = Math.ceil(rest.length / 2);
      return which === 0 ? rest.slice(0, cut) : rest.slice(cut);
    };
    const first = await connect((all, k) => half(all, k, 0));
    const afterFirst = usage(pids);
    const afterFirstAt = performance.now();
    const warmCalls0 = { w: writeCalls(pids), r: readCalls(pids) };
    const openAfterFirst = first.reduce((n, s) => n + s.open, 0);
    const second = await connect((all, k) => half(all, k, 1));
    const open = second.reduce((n, s) => n + s.open, 0);
    // The connections measured: the waves' (the load generators' counts are cumulative).
    const made = Math.max(1, open - openPrimed);
    const afterConnect = usage(pids);
    const warmCalls = { w: writeCalls(pids) - warmCalls0.w, r: readCalls(pids) - warmCalls0.r };
    const warmWallMs = performance.now() - afterFirstAt;
    windows.push({ name: 'connect', fromUs: connectFromUs, toUs: monotonicUs() });
    const { cpuMs: connectCpuMs, sysMs: connectSysMs } = spent(beforeConnect, afterConnect);
    const warmCpuMs = spent(afterFirst, afterConnect).cpuMs;
    const failed = [...prime, ...first, ...second].reduce((n, s) => n + s.failed, 0);
    // Why they failed, over the load generators (`connect:refused: unknown_op`: 12); their counts are cumulative.
    const failedWhy = failed === 0 ? undefined : merge(second).errors;
    const connectMs =
      Math.max(...first.map((s) => s.connectMs)) + Math.max(...second.map((s) => s.connectMs));
    const beforeHold = usage(pids);
    const holdCalls0 = { w: writeCalls(pids), r: readCalls(pids) };
    const holdFromUs = monotonicUs();
    const { last: rss1, heldTotals } = await sampleRss(pids, o.holdMs);
    const holdCpuMs = spent(beforeHold, usage(pids)).cpuMs;
    const holdWrites = writeCalls(pids) - holdCalls0.w;
    const holdReads = readCalls(pids) - holdCalls0.r;
    windows.push({ name: 'hold', fromUs: holdFromUs, toUs: monotonicUs() });
    if (o.heapSnapshot && profileDir) await heapSnapshots(pids, profileDir);
    // The warm connects' CPU less what holding the connections already open cost meanwhile: `holdCores`, read
    // with all of them open just after, scaled to the mean number open during the second wave. A `perf` profile
    // of that hold at 50 000 (stop 35) was the heartbeat `ping` writes, the `pong` reads and the `stats` frames to
    // the members already in, all of which run while later clients join and which the floor does not have; what
    // is left is the joins' own CPU. A reading beside `connectCpuMsEachWarm`, not instead of it.
    const warmMade = Math.max(1, open - openAfterFirst);
    const heldDuringWarm = (openAfterFirst + open) / 2 / Math.max(1, open);
    const holdDuringWarm = (during: number) => (during / Math.max(1, o.holdMs)) * heldDuringWarm * warmWallMs;
    const holdDuringWarmMs = holdDuringWarm(holdCpuMs);
    // From the fresh processes, as in stops 15-21: what the primer's join loads counts as the connections'. Not from
    // `rssServing`: RSS does not shrink when the heap frees, so a heap that a first join's load grew takes the next
    // connections in at no RSS cost (stop 22 measured 6-8 KiB that way against 14-17 KiB from the start).
    // The gateways' RSS rises and falls with V8's collections while they hold (one reading at the hold's end
    // gave 6.3 to 10.7 KiB for the same command read after 60, 90 or 180 s, stop 26), so the figure is the
    // median of the readings over the hold's second half, with their lowest and highest.
    const idleTotal = sum(rssStart);
    const perConnKiB = (total: number) => (total - idleTotal) / made / 1024;
    const rssPerConnKiB = perConnKiB(median(heldTotals));
    const base = {
      engine,
      scenario: o.scenario,
      gateways: o.gateways,
      connections: open,
      failed,
      ...(failedWhy ? { failedWhy } : {}),
      connectMs,
      connectsPerSec: Math.round(made / (connectMs / 1000)),
      // Server CPU (user + system, all gateways) per connection made: hello, auth, join and its answer.
      connectCpuMsEach: round(connectCpuMs / made, 3),
      // The same over the second wave alone (gateways warmed up by the first).
      connectCpuMsEachWarm: round(warmCpuMs / warmMade, 3),
      connectCpuMsEachWarmOverHold: round(Math.max(0, warmCpuMs - holdDuringWarmMs) / warmMade, 3),
      // The gateways' write and read system calls per warm connection, less the hold's (heartbeats, `stats`
      // frames) scaled as the CPU is: a join's round trips to Redis, PostgreSQL and the client, counts that the
      // machine's noise moves less than CPU time (stop 47).
      connectWritesEachWarmOverHold: round(
        Math.max(0, warmCalls.w - holdDuringWarm(holdWrites)) / warmMade,
        2,
      ),
      connectReadsEachWarmOverHold: round(Math.max(0, warmCalls.r - holdDuringWarm(holdReads)) / warmMade, 2),
      // The kernel's share of it, % (the upgrade, replies and Redis commands are system calls).
      connectSysPct: Math.round((100 * connectSysMs) / Math.max(1, connectCpuMs)),
      gatewayRssMiB: rss1.map((r) => round(r / 2 ** 20)),
      idleRssMiB: rssStart.map((r) => round(r / 2 ** 20)),
      // Each gateway's RSS once it serves a room (after the primer), before the waves.
      servingRssMiB: rssServing.map((r) => round(r / 2 ** 20)),
      rssPerConnKiB: round(rssPerConnKiB, 2),
      rssPerConnKiBRange: [
        round(perConnKiB(Math.min(...heldTotals)), 2),
        round(perConnKiB(Math.max(...heldTotals)), 2),
      ],
      // What holding the connections costs with nothing sent (heartbeats, presence, timers, garbage collection
      // after the connect): the gateways' CPU over the hold, in cores.
      holdCores: round(holdCpuMs / Math.max(1, o.holdMs), 3),
      // The gateways' write system calls per connection a second over the hold (heartbeat `ping`s, `stats`).
      holdWritesPerConnS: round(holdWrites / Math.max(1, open) / (Math.max(1, o.holdMs) / 1000), 3),
    };
    if (o.scenario === 'idle') return [{ ...base, series: new Map() }];

    // Warm-up: one artist message reaches everyone first (JIT, caches, lazily loaded modules such as the
    // language detector), then the counters start from zero.
    await gens[0]!.ask({ type: 'one', t0: Date.now() });
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      await sleep(250);
      const got = (await Promise.all(gens.map((g) => g.stats()))).reduce((n, s) => n + s.received.artist, 0);
      if (got >= open) break;
    }
    const phases: Record<string, unknown>[] = [];
    for (const rate of o.scenario === 'live' ? o.rates : o.rates.slice(0, 1)) {
      const fromUs = monotonicUs();
      phases.push({ ...base, rate, ...(await measure(o, rate, gens, servers, pids, open, base.holdCores)) });
      windows.push({
        name: o.scenario === 'live' ? `live-${rate}` : o.scenario,
        fromUs,
        toUs: monotonicUs(),
      });
    }
    return phases;
  } finally {
    await stop();
    // A profile cut short (a gateway killed by the storm writes none) must not hide how the run went.
    const graphs: [string | undefined, string][] = [
      [o.profile ? profileDir : undefined, 'gateways'],
      [loadgenDir, 'load generators'],
    ];
    for (const [dir, who] of graphs) {
      if (dir === undefined) continue;
      try {
        flameGraphs(dir, `${o.scenario} ${engine}`, who, windows);
      } catch (err) {
        console.error(`bench: no flame graphs of the ${who} for ${engine}: ${String(err)}`);
      }
    }
  }
}

/** The clock V8's CPU profiles are stamped with (CLOCK_MONOTONIC, in microseconds). */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * Writes `flame-<phase>.svg` beside the `.cpuprofile` files of `who` (the gateways or the load generators): their
 * samples inside each phase.
 */
function flameGraphs(
  dir: string,
  what: string,
  who: string,
  windows: readonly (Window & { name: string })[],
): void {
  const files = profileFiles([dir]);
  if (files.length === 0) return;
  // node names a profile CPU.<date>.<time>.<pid>.<thread>.<seq>: a process under tsx (the load generators) also
  // writes one for its module loader's thread.
  const processes = new Set(files.map((f) => path.basename(f).split('.')[3])).size;
  // The windows too, for summing the same samples by function afterwards (`foldFiles(files, window)`).
  writeFileSync(path.join(dir, 'phases.json'), `${JSON.stringify(windows, null, 2)}\n`);
  for (const w of windows) {
    const folded = foldFiles(files, w);
    const samples = [...folded.values()].reduce((a, b) => a + b, 0);
    const title = `${what}: ${w.name} (${processes} ${who})`;
    const subtitle = `${samples} busy samples over ${((w.toUs - w.fromUs) / 1e6).toFixed(1)} s, all ${who}`;
    const out = path.join(dir, `flame-${w.name}.svg`);
    writeFileSync(out, flameGraphSvg(folded, { title, subtitle }));
    console.error(`bench: flame graph ${out}`);
  }
}

/** One measured phase on connected clients: counters from zero, the load, the settle time, the figures. */
async function measure(
  o: LiveOptions,
  rate: number,
  gens: Gen[],
  servers: Servers,
  pids: number[],
  open: number,
  holdCores: number | null,
) {
  for (const g of gens) await g.ask({ type: 'reset', since: Date.now() });
  // The benchmark's own /metrics scrapes fall outside the CPU readings (this one before them, the others after
  // the readings they close; the one ending a `live` sending stays inside the phase's total): each costs a
  // gateway a few ms, which a one-message `broadcast` charged to its 100 000 deliveries, and the floor is never
  // scraped (docs/benchmarks.md "Stop 40").
  const metrics0 = await scrape(servers.metricsUrls);
  // A killed gateway reads 0: what it used before the kill is not counted (spent).
  const use0 = usage(pids);
  const writes0 = writeCalls(pids);
  const runQueue0 = runQueueMs(pids);
  const gensCpu = () => gens.reduce((ms, g) => ms + cpuMs(g.pid), 0);
  const gensCpu0 = gensCpu();
  const box0 = machineCpuMs();
  // Seconds of the phase the box spent saturated (>= 95 % of every core busy), sampled each second.
  let saturatedS = 0;
  let lastBox = box0;
  const boxTimer = setInterval(() => {
    const b = machineCpuMs();
    if (b.busy - lastBox.busy >= 0.95 * (b.total - lastBox.total)) saturatedS++;
    lastBox = b;
  }, 1000).unref();
  const tcp0 = tcpTrouble();
  const lo0 = loopbackBytes();
  const t0 = Date.now();
  let killAt = 0;
  let metricsSending: Awaited<ReturnType<typeof scrape>> = [];
  let metricsSettled: Awaited<ReturnType<typeof scrape>> = [];
  let sending:
    | {
        gatewaysMs: number;
        gatewaysSysMs: number;
        gensMs: number;
        writes: number;
        runQueueMs: number[];
        wallMs: number;
      }
    | undefined;
  // The gateways' readings over the sending, apart from the settle after it, where the servers and clients idle.
  const endSending = async () => {
    const gateways = spent(use0, usage(pids));
    sending = {
      gatewaysMs: gateways.cpuMs,
      gatewaysSysMs: gateways.sysMs,
      gensMs: gensCpu() - gensCpu0,
      writes: writeCalls(pids) - writes0,
      // A gateway killed by the storm reads 0: it counts nothing.
      runQueueMs: runQueueMs(pids).map((ms, i) => Math.max(0, ms - runQueue0[i]!)),
      wallMs: Date.now() - t0,
    };
    metricsSending = await scrape(servers.metricsUrls);
  };
  if (o.scenario === 'broadcast') {
    await gens[0]!.ask({ type: 'one', t0 });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await sleep(200);
      const got = (await Promise.all(gens.map((g) => g.stats()))).reduce((n, s) => n + s.received.artist, 0);
      if (got >= open) break;
    }
    // The sending of a broadcast: from the send until the last client had it (read within 200 ms and a stats
    // round trip of it), or the deadline.
    await endSending();
    metricsSettled = metricsSending;
  } else {
    for (const g of gens)
      await g.ask({
        type: 'run',
        durationMs: o.durationMs,
        fanRate: rate / Math.max(1, o.senders),
        artistEveryMs: o.artistEveryMs,
        heartRate: o.hearts / Math.max(1, o.senders),
        t0,
      });
    if (o.scenario === 'storm') {
      await sleep(o.durationMs / 3);
      killAt = Date.now();
      servers.killLast();
    }
    await sleep(o.durationMs - (Date.now() - t0));
    await endSending();
    await sleep(o.settleMs);
  }
  // The phase's CPU, the settle's included (a backlog is written then), the closing scrape not; a broadcast's
  // phase is its sending, read before its scrape.
  const cpuTotal =
    o.scenario === 'broadcast' && sending !== undefined ? sending.gatewaysMs : spent(use0, usage(pids)).cpuMs;
  if (o.scenario !== 'broadcast') metricsSettled = await scrape(servers.metricsUrls);
  const each = await Promise.all(gens.map((g) => g.stats()));
  const tcp1 = tcpTrouble();
  const lo1 = loopbackBytes();
  // gens[0] is the senders' process (measure runs only in scenarios with senders); the others hold the viewers.
  const worstViewer = (f: (s: LiveStats) => number) => Math.max(...each.slice(1).map(f));
  const all = merge(each);
  clearInterval(boxTimer);
  const box1 = machineCpuMs();
  const wallMs = Math.max(1, Date.now() - t0);
  const delivered = all.received.fan + all.received.artist;
  // Every client is in the room: each message that reached anyone (stored, even if its ack was lost with a
  // killed gateway) is owed to every client; and each one sent and not refused is owed to someone (bench/owed.ts).
  const counts = { sent: all.sent, refused: all.refused, seen: all.ids.size, delivered, clients: open };
  return {
    sent: all.sent,
    acked: all.acked,
    refused: all.refused,
    errors: all.errors,
    delivered,
    ...lossFigures(counts),
    fanP50: pct(all.hist.fan, 50),
    fanP99: pct(all.hist.fan, 99),
    artistP50: pct(all.hist.artist, 50),
    artistP99: pct(all.hist.artist, 99),
    messages: all.ids.size,
    lastMs: o.scenario === 'broadcast' ? maxOf(all.hist.artist) : undefined,
    ackP50: pct(all.hist.ack, 50),
    ackP99: pct(all.hist.ack, 99),
    // How late the load generators themselves read (event-loop delay during the phase): the viewers' worst
    // p99 (part of every fan and artist latency above) and the senders' (part of send-to-ack).
    viewerLagP99Ms: worstViewer((s) => s.lagP99Ms),
    viewerLagMaxMs: worstViewer((s) => s.lagMaxMs),
    senderLagP99Ms: each[0]!.lagP99Ms,
    // The gateways' own view over the sending (Lightstick; bench/server-metrics.ts): send-to-ack p99 from the
    // frame's arrival in the gateway (a histogram bucket's upper bound, ms), and the worst event-loop delay p99
    // and maximum of any gateway. Beside `ackP99`, what the gateways' own work adds and what the scheduler does.
    ...(metricsSending.length > 0
      ? {
          serverAckP99Ms: percentileBetween(metrics0, metricsSending, 99),
          serverCommitP99Ms: percentileBetween(metrics0, metricsSending, 99, 'commit'),
          // Send to written to every local socket, as the sender's gateway saw it (over the settle too, when
          // the backlog is written): the server's share of `fanP50` and `fanP99`.
          serverDeliverP50Ms: percentileBetween(metrics0, metricsSettled, 50, 'deliver'),
          serverDeliverP99Ms: percentileBetween(metrics0, metricsSettled, 99, 'deliver'),
          // Pacing is a rate over a steady load: one broadcast message has none.
          ...(o.scenario === 'broadcast' ? {} : pacing(metrics0, metricsSending, open, sending)),
          gatewayLoopLagP99Ms: Math.round(1000 * Math.max(...metricsSending.map((m) => m?.loopLagP99S ?? 0))),
          gatewayLoopLagMaxMs: Math.round(1000 * Math.max(...metricsSending.map((m) => m?.loopLagMaxS ?? 0))),
          // Their garbage collection over the sending: the most any gateway spent in it, and how many of its
          // pauses in all the gateways took over 100 ms (is the longest stall above a collection?).
          ...gcBetween(metrics0, metricsSending),
          // The slowest gateway's answer to the /metrics scrape at the end of the sending (Prometheus's view).
          scrapeMsMax: Math.round(Math.max(...metricsSending.map((m) => m?.scrapeMs ?? 0))),
        }
      : {}),
    // Their CPU over the phase, % of a core: a viewer process near 100 is what limits the latencies.
    viewerCpuPct: worstViewer((s) => s.cpuPct),
    // Their garbage collection: the most any viewer process spent in it, and its longest pause.
    viewerGcMs: worstViewer((s) => s.gcMs),
    viewerGcMaxMs: worstViewer((s) => s.gcMaxMs),
    // The kernel dropping segments for TCP memory (bench/proc.ts): latencies are then retransmissions'.
    tcpRcvQueueDrops: tcp1.rcvQueueDrops - tcp0.rcvQueueDrops,
    tcpMemoryPressureMs: tcp1.memoryPressureMs - tcp0.memoryPressureMs,
    // Bytes over loopback (every socket of the run) per message delivered to a client, over the phase.
    loopbackBytesPerDelivery: delivered > 0 ? Math.round((lo1 - lo0) / delivered) : 0,
    cpuUsPerDelivery: perDelivery(cpuTotal, delivered),
    // The same less what holding the connections costs with nothing sent (`holdCores` over the phase): the
    // fan-out's own CPU. The floor holds for free (no heartbeat); Lightstick's 100 000 cost 0.17-0.22 cores,
    // a quarter of a one-message broadcast's CPU (stop 28).
    cpuUsPerDeliveryOverHold: perDelivery(cpuTotal - (holdCores ?? 0) * wallMs, delivered),
    // Where the box's CPU went over the phase (cores in use on average) and how busy it was in all (100: every
    // core busy). The load generators share the cores with the servers; at 100 the latencies are partly theirs.
    gatewayCores: round(cpuTotal / wallMs, 2),
    loadgenCores: round((gensCpu() - gensCpu0) / wallMs, 2),
    // The same while the load ran (the two above average over the settle too, when little happens).
    gatewayCoresSending: sending ? round(sending.gatewaysMs / sending.wallMs, 2) : undefined,
    loadgenCoresSending: sending ? round(sending.gensMs / sending.wallMs, 2) : undefined,
    // The kernel's share of the gateways' CPU while the load ran, % (system calls; on loopback also the clients'
    // side of TCP): what faster JavaScript cannot take away.
    gatewaySysPctSending: sending
      ? Math.round((100 * sending.gatewaysSysMs) / Math.max(1, sending.gatewaysMs))
      : undefined,
    // The gateways' write system calls per viewer a second while the load ran (bench/proc.ts `writeCalls`): a
    // flush to a socket is one call however many frames it carries, heartbeats and replies are calls too.
    gatewayWritesPerViewerS: sending ? round(sending.writes / open / (sending.wallMs / 1000), 2) : undefined,
    // The most any gateway's event loop waited for a core while the load ran, % of the time (bench/proc.ts
    // `runQueueMs`): how much of `gatewayLoopLagMaxMs` and of every latency is the scheduler's, not the code's.
    gatewayRunQueuePctSending: sending
      ? Math.round((100 * Math.max(...sending.runQueueMs)) / Math.max(1, sending.wallMs))
      : undefined,
    boxBusyPct: Math.round((100 * (box1.busy - box0.busy)) / Math.max(1, box1.total - box0.total)),
    boxSaturatedS: saturatedS,
    ...(o.scenario === 'storm'
      ? {
          ...stormFigures(all, killAt, await survivorsRoom(o)),
          // Latency on the clients never dropped, of messages sent from the kill on (target: behind by <= 2 s).
          keptP99Ms: pct(keptSince(all.kept, Math.floor((killAt - t0) / 1000)), 99),
        }
      : {}),
    counted: count(all.hist.fan) + count(all.hist.artist),
    series: all.series,
  };
}

const RATIO_KEYS = [
  'fanP50',
  'fanP99',
  'artistP50',
  'artistP99',
  'lastMs',
  'lossPct',
  'ackP99',
  'cpuUsPerDelivery',
  'cpuUsPerDeliveryOverHold',
  'rssPerConnKiB',
  'connectsPerSec',
  'connectCpuMsEach',
  'connectCpuMsEachWarm',
  'connectCpuMsEachWarmOverHold',
  'connectWritesEachWarmOverHold',
  'connectReadsEachWarmOverHold',
  'allBackMs',
  'backP90Ms',
] as const;

export async function live(o: LiveOptions): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const room = o.scenario === 'storm' ? await survivorsRoom(o) : undefined;
  const dropping = o.killed ?? Math.floor(o.connections / o.gateways);
  if (room !== undefined && room < dropping)
    console.warn(
      `storm: the ${o.gateways - 1} survivors have sockets for ${room} of the ~${dropping} clients the kill drops ` +
        `(open-file limit); the rest cannot come back. More gateways (--gateways ${o.gateways + 1}) fit them.`,
    );
  // One entry per engine, one phase per rate (`live --rates a,b,...`; one phase otherwise).
  const results: Record<string, Record<string, unknown>[]> = {};
  const charts: { engine: string; series: Map<number, [number[], number[]]> }[] = [];
  for (const engine of o.engines) {
    const phases = await runEngine(o, engine, stamp);
    results[engine] = phases.map(({ series: _series, ...r }) => {
      console.log(JSON.stringify(r));
      return r;
    });
    charts.push({ engine, series: phases.at(-1)!.series as Map<number, [number[], number[]]> });
  }
  const phaseCount = Math.max(...Object.values(results).map((r) => r.length));
  // Lightstick over each reference measured in the same run, per phase: { socketio: {...}, floor: {...} }.
  const allRatios: Record<string, Record<string, number | null>>[] = [];
  for (let i = 0; i < phaseCount; i++) {
    const l = results.lightstick?.[i];
    const ratios: Record<string, Record<string, number | null>> = {};
    for (const ref of ['socketio', 'floor'] as const) {
      const p = results[ref]?.[i];
      if (!l || !p) continue;
      const r: Record<string, number | null> = (ratios[ref] = {});
      for (const k of RATIO_KEYS) {
        const a = l[k];
        const b = p[k];
        if (typeof a === 'number' && typeof b === 'number' && b !== 0) r[k] = round(a / b, 3);
      }
    }
    allRatios.push(ratios);
    const refs = Object.keys(ratios);
    const keys = [...new Set(Object.values(results).flatMap((r) => Object.keys(r[i] ?? {})))].filter(
      (k) => !['engine', 'scenario', 'errors'].includes(k),
    );
    const rate = o.scenario === 'live' ? `, ${o.rates[i]} msgs/s` : '';
    console.log(`\n${o.scenario}: ${o.connections} connections${rate}, ${o.gateways} gateways per engine`);
    console.log(['', ...o.engines, ...refs.map((ref) => `lightstick/${ref}`)].join('\t'));
    for (const k of keys)
      console.log(
        [
          k,
          ...o.engines.map((e) => JSON.stringify(results[e]?.[i]?.[k] ?? '')),
          ...refs.map((ref) => String(ratios[ref]?.[k] ?? '')),
        ].join('\t'),
      );
  }
  // The highest rate each engine sustained: fan p99 within 1 s (the bar) and under 1 % of the owed
  // deliveries missing at the end of the settle time. The same within 2 and 5 s, where no engine holds 1 s on
  // a shared machine and the ratio is still worth reading. And the highest rate each delivered completely
  // (under 1 % missing), whatever the latency.
  const sustained: Record<string, number | null> = {};
  const sustainedWithin: Record<string, Record<string, number | null>> = {};
  const complete: Record<string, number | null> = {};
  if (o.scenario === 'live' && o.rates.length > 1) {
    const within = (ms: number) => (r: Record<string, unknown>) =>
      deliveredWhole(r) && typeof r.fanP99 === 'number' && r.fanP99 <= ms;
    for (const [engine, phases] of Object.entries(results)) {
      sustained[engine] = highestRate(phases, within(1000));
      sustainedWithin[engine] = Object.fromEntries(
        [1000, 2000, 5000].map((ms) => [`${ms / 1000}s`, highestRate(phases, within(ms))]),
      );
      complete[engine] = highestRate(phases, deliveredWhole);
    }
    console.log(`\nhighest rate sustained (fan p99 <= 1 s, loss < 1 %): ${JSON.stringify(sustained)}`);
    console.log(`the same with fan p99 <= 1, 2, 5 s: ${JSON.stringify(sustainedWithin)}`);
    console.log(`highest rate delivered completely (loss < 1 %): ${JSON.stringify(complete)}`);
  }
  console.log(
    JSON.stringify({
      scenario: o.scenario,
      options: o,
      results,
      ratios: allRatios,
      sustained,
      sustainedWithin,
      complete,
    }),
  );
  if (o.scenario !== 'idle') {
    mkdirSync(OUT, { recursive: true });
    const file = `${OUT}${stamp}-${o.scenario}.svg`;
    const rate = o.rates.at(-1);
    writeFileSync(file, writeChart(`${o.scenario}: ${o.connections} connections, ${rate} msgs/s`, charts));
    console.log(`chart: ${file}`);
  }
}
