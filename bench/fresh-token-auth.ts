/**
 * `npm run bench:auth` (`npm run build` first): what a token the gateway has never seen costs it, against one
 * it has checked before, in a running compiled gateway (scale-out mode on the local Redis and PostgreSQL).
 * Every fan's first connection to a gateway brings an unseen token, and a storm brings a dying gateway's
 * thousands at once; the `idle` benchmark's few accounts share theirs, so it hides this cost (stop 46).
 *
 * One api and one gateway; USERS accounts with TOKENS_PER_USER distinct access tokens each (sign-up, then one
 * refresh per token). Sockets open, authenticate and close CHUNK at a time, twenty at once: a chunk of unseen
 * tokens, then a chunk that repeats one checked token, alternately, so both see the same machine. The gateway's
 * CPU (`/proc`, every thread: jose's checks run on libuv's) is read around each chunk. Prints the mean CPU per
 * authentication of each kind and their difference, the cost of checking a token's signature there.
 */
import WebSocket from 'ws';
import { startCluster } from '../packages/server/test/support/cluster.ts';
import { registerUsersWithTokens } from './http.ts';
import { cpuMs } from './proc.ts';

const USERS = Number(process.env.USERS ?? 40);
const TOKENS_PER_USER = Number(process.env.TOKENS_PER_USER ?? 100);
const CHUNK = Number(process.env.CHUNK ?? 200);
const AT_ONCE = 20;
const DEADLINE_MS = 10_000;

/** One socket: hello, auth, authed, close. */
function authOnce(url: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => fail(new Error('no authed within 10 s')), DEADLINE_MS);
    const fail = (e: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(e);
    };
    ws.on('error', fail);
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { t: string };
      if (f.t === 'hello') ws.send(JSON.stringify({ op: 'auth', id: 1, token }));
      else if (f.t === 'authed') {
        clearTimeout(timer);
        ws.close();
        resolve();
      } else if (f.t === 'error') fail(new Error(`auth refused: ${String(data)}`));
    });
  });
}

const cluster = await startCluster({ gateways: 1, compiled: true });
try {
  const tag = Math.random().toString(36).slice(2, 7);
  const unseen = (
    await registerUsersWithTokens(cluster.api.baseUrl, USERS, `a${tag}`, TOKENS_PER_USER)
  ).flat();
  const url = cluster.wsUrls[0]!;
  const pid = cluster.gateways[0]!.pid;
  const seen = Array.from({ length: CHUNK }, () => unseen.at(-1)!);
  const usPerAuth = async (tokens: string[]) => {
    const before = cpuMs(pid);
    for (let i = 0; i < tokens.length; i += AT_ONCE)
      await Promise.all(tokens.slice(i, i + AT_ONCE).map((t) => authOnce(url, t)));
    // The closes' last reads land after the clients see them.
    await new Promise((r) => setTimeout(r, 300));
    return ((cpuMs(pid) - before) / tokens.length) * 1000;
  };
  await usPerAuth(seen.slice(0, Math.min(300, CHUNK))); // warms the gateway up
  const fresh: number[] = [];
  const again: number[] = [];
  for (let i = 0; i + CHUNK <= unseen.length - 1; i += CHUNK) {
    fresh.push(await usPerAuth(unseen.slice(i, i + CHUNK)));
    again.push(await usPerAuth(seen));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const result = {
    bench: 'fresh-token-auth',
    chunks: fresh.length,
    chunk: CHUNK,
    unseenUsPerAuth: Math.round(mean(fresh)),
    seenUsPerAuth: Math.round(mean(again)),
    checkUs: Math.round(mean(fresh) - mean(again)),
  };
  console.log(
    `gateway CPU per authentication, ${fresh.length} chunks of ${CHUNK}: unseen token ${result.unseenUsPerAuth} µs, ` +
      `a token checked before ${result.seenUsPerAuth} µs, the check ${result.checkUs} µs`,
  );
  console.log(JSON.stringify(result));
} finally {
  await cluster.stop();
}
