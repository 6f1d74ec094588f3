/**
 * `npm run bench:tokens`: what an access token costs to make (the api, at sign-in and refresh) and to check
 * the first time a gateway sees it (every fan's first join there; a storm's survivors check thousands at once),
 * through the real TokenService (`auth/tokens.ts`) on a SQLite store, for the algorithm new keys sign with
 * (RS256) and the one earlier versions' keys have (EdDSA), in alternating rounds of the same run.
 *
 * CPU time, not wall time: jose checks with WebCrypto, which runs the signature on libuv's threads, so
 * `process.cpuUsage` (every thread of the process) is what a gateway pays. Prints microseconds of CPU per token
 * for each algorithm, the median of the rounds (lowest, highest), and the ratio. Figures: docs/benchmarks.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { openSqliteStore } from '../packages/server/src/storage/sqlite.ts';
import { TokenService, type KeyAlg } from '../packages/server/src/auth/tokens.ts';
import type { Runtime } from '../packages/server/src/runtime.ts';
import { median } from './loadgens.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const PER_ROUND = Number(process.env.PER_ROUND ?? 1000);
/** Tokens checked at once in the storm-like measure: a survivor taking a dead gateway's clients. */
const AT_ONCE = 500;
const ALGS: KeyAlg[] = ['RS256', 'EdDSA'];

const runtime: Runtime = { now: () => Date.now(), id: () => randomUUID(), random: (n) => randomBytes(n) };

function cpuUs(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

async function measure(op: () => Promise<void>, count: number): Promise<number> {
  const start = cpuUs();
  await op();
  return (cpuUs() - start) / count;
}

const dir = await mkdtemp(path.join(tmpdir(), 'ls-bench-tokens-'));
try {
  const services = new Map<KeyAlg, TokenService>();
  for (const alg of ALGS) {
    const store = await openSqliteStore(path.join(dir, `${alg}.db`));
    const service = new TokenService({
      keys: store.signingKeys,
      runtime,
      accessTtlSec: 900,
      keyRotationDays: 30,
      issuer: 'bench',
      signingAlg: alg,
    });
    await service.init();
    services.set(alg, service);
  }
  const user = (i: number) => ({
    id: randomUUID(),
    name: `fan${i}`,
    displayName: `팬 ${i} 💜`,
    admin: false,
  });
  const results = new Map<string, number[]>();
  const record = (key: string, v: number) => results.set(key, [...(results.get(key) ?? []), v]);

  for (let round = -1; round < ROUNDS; round++) {
    // Round -1 warms up (JIT, key import, the thread pool); the order flips every round.
    for (const alg of round % 2 === 0 ? ALGS : [...ALGS].reverse()) {
      const s = services.get(alg)!;
      const tokens: string[] = [];
      const sign = await measure(async () => {
        for (let i = 0; i < PER_ROUND; i++) tokens.push((await s.issue(user(i), randomUUID())).token);
      }, PER_ROUND);
      const half = PER_ROUND / 2;
      const oneByOne = await measure(async () => {
        for (let i = 0; i < half; i++) await s.verify(tokens[i]!);
      }, half);
      const atOnce = await measure(async () => {
        for (let i = half; i < PER_ROUND; i += AT_ONCE)
          await Promise.all(tokens.slice(i, i + AT_ONCE).map((t) => s.verify(t)));
      }, PER_ROUND - half);
      if (round < 0) continue;
      record(`${alg} sign`, sign);
      record(`${alg} verify`, oneByOne);
      record(`${alg} verify ${AT_ONCE} at once`, atOnce);
      record(`${alg} token chars`, tokens[0]!.length);
    }
  }

  console.log(`CPU µs per token, median of ${ROUNDS} rounds of ${PER_ROUND} (lowest, highest):`);
  const summary: Record<string, number> = {};
  for (const [key, xs] of results) {
    summary[key] = Number(median(xs).toFixed(1));
    console.log(
      `  ${key.padEnd(28)} ${median(xs).toFixed(1).padStart(8)}   (${Math.min(...xs).toFixed(1)}, ${Math.max(...xs).toFixed(1)})`,
    );
  }
  for (const what of ['sign', 'verify', `verify ${AT_ONCE} at once`]) {
    const ratio = median(results.get(`RS256 ${what}`)!) / median(results.get(`EdDSA ${what}`)!);
    summary[`RS256/EdDSA ${what}`] = Number(ratio.toFixed(2));
    console.log(`  RS256 / EdDSA, ${what}: ${ratio.toFixed(2)}`);
  }
  console.log(JSON.stringify({ bench: 'tokens', rounds: ROUNDS, perRound: PER_ROUND, ...summary }));
} finally {
  await rm(dir, { recursive: true, force: true });
}
