/**
 * HTTP set-up for the benchmarks: users, communities and rooms through the api process. Requests go out
 * from several loopback source addresses (127.0.0.2, 127.0.0.3, ...) because sign-ups are rate limited per
 * address (30 an hour), exactly as many real fans behind many addresses would arrive.
 */
import { request } from 'node:http';
import type { AuthResponse, CommunityView, RoomView, UserView } from '@lightstick/protocol';
import { ADMIN_PASSWORD } from '../packages/server/test/support/harness.ts';

/** Source addresses 127.0.0.2 .. 127.0.0.(1+n). */
export const sourceAddresses = (n: number) => Array.from({ length: n }, (_, i) => `127.0.0.${2 + i}`);

/**
 * Client sockets a load generator binds to one source address at most. A client socket bound to a source address
 * (`localAddress`) takes its port in bind(), and Linux finds a free one by scanning the address's ports in use:
 * measured here, 2 000 more connects from a process holding 1 000 or 3 000 per address took 0.1 ms each, at
 * 6 000 per address 0.66 ms, at 8 000 3.2 ms, all of it system time inside a synchronous call that stops the
 * process's event loop (stop 19; the benchmark gave each load generator two addresses, 6 000-8 000 sockets each
 * at 72 000-100 000 fans).
 */
const SOCKETS_PER_ADDRESS = 2500;

/** Each load generator's own source addresses, enough for its clients (at least two), none shared. */
export function addressesFor(clientsPerGenerator: readonly number[]): string[][] {
  const counts = clientsPerGenerator.map((n) => Math.max(2, Math.ceil(n / SOCKETS_PER_ADDRESS)));
  const all = sourceAddresses(counts.reduce((a, b) => a + b, 0));
  if (all.length > 250) throw new Error(`${all.length} source addresses needed; 127.0.0.2-251 holds 250`);
  let next = 0;
  return counts.map((n) => all.slice(next, (next += n)));
}

export function json<T>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; localAddress?: string } = {},
): Promise<T> {
  const url = new URL(path, baseUrl);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise<T>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 300) return reject(new Error(`${method} ${path}: ${status} ${text}`));
          resolve((text ? JSON.parse(text) : undefined) as T);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const SIGNUPS_PER_ADDRESS = 25;

/** Registers `n` users, `SIGNUPS_PER_ADDRESS` per source address; returns their access tokens. */
export async function registerUsers(apiUrl: string, n: number, tag: string): Promise<string[]> {
  return (await registerUsersWithTokens(apiUrl, n, tag, 1)).map((t) => t[0]!);
}

/**
 * Registers `n` users and returns `perUser` distinct access tokens for each: the sign-up's, then one per
 * refresh (a refresh token works once, so each refresh takes the one the last answer gave). A fan's first
 * connection to a gateway checks its token's signature; a benchmark whose few accounts share their tokens
 * over thousands of sockets checks a few dozen in all (`--tokens-per-user`, stop 46).
 */
export async function registerUsersWithTokens(
  apiUrl: string,
  n: number,
  tag: string,
  perUser: number,
): Promise<string[][]> {
  const tokens: string[][] = [];
  const addresses = sourceAddresses(Math.ceil(n / SIGNUPS_PER_ADDRESS));
  // A few at a time: password hashing (argon2id) is deliberately slow.
  for (let i = 0; i < n; i += 8) {
    const batch = Array.from({ length: Math.min(8, n - i) }, (_, k) => i + k);
    const res = await Promise.all(
      batch.map((j) =>
        json<AuthResponse>(apiUrl, 'POST', '/api/auth/register', {
          body: { username: `b${tag}${j}`, password: 'correct horse battery' },
          localAddress: addresses[Math.floor(j / SIGNUPS_PER_ADDRESS)],
        }),
      ),
    );
    const more = await Promise.all(
      res.map(async (r, k) => {
        const localAddress = addresses[Math.floor(batch[k]! / SIGNUPS_PER_ADDRESS)];
        const mine = [r.accessToken];
        let refreshToken = r.refreshToken;
        while (mine.length < perUser) {
          const next = await json<AuthResponse>(apiUrl, 'POST', '/api/auth/refresh', {
            body: { refreshToken },
            localAddress,
          });
          mine.push(next.accessToken);
          refreshToken = next.refreshToken;
        }
        return mine;
      }),
    );
    tokens.push(...more);
  }
  return tokens;
}

/** One admin sign-in per api process. */
const adminTokens = new Map<string, Promise<string>>();

/**
 * Gives `token`'s user the creator flag, as a platform admin does: the owner of a community a creator made
 * sends at the staff rate, which the benchmarks' senders and artists need (in a fan-made community the owner
 * sends at the fan rate).
 */
async function makeCreator(apiUrl: string, token: string): Promise<void> {
  let admin = adminTokens.get(apiUrl);
  if (!admin) {
    admin = json<AuthResponse>(apiUrl, 'POST', '/api/auth/login', {
      body: { username: 'admin', password: ADMIN_PASSWORD },
    }).then((a) => a.accessToken);
    adminTokens.set(apiUrl, admin);
  }
  const me = await json<UserView>(apiUrl, 'GET', '/api/me', { token });
  await json(apiUrl, 'PUT', `/api/admin/users/${me.id}/creator`, {
    token: await admin,
    body: { creator: true },
  });
}

/** A community owned by `token`'s user, made a creator first; returns its room. */
export async function ownRoom(apiUrl: string, token: string, slug: string): Promise<RoomView> {
  await makeCreator(apiUrl, token);
  const c = await json<CommunityView>(apiUrl, 'POST', '/api/communities', {
    token,
    body: { slug, name: slug },
  });
  const { rooms } = await json<{ rooms: RoomView[] }>(apiUrl, 'GET', `/api/communities/${c.id}/rooms`, {
    token,
  });
  return rooms[0] as RoomView;
}

export async function joinCommunity(apiUrl: string, token: string, communityId: string): Promise<void> {
  await json(apiUrl, 'POST', `/api/communities/${communityId}/join`, { token, body: {} });
}
