/** Small HTTP helpers for tests: JSON requests and ready-made users, communities and rooms. */
import type { AuthResponse, CommunityView, RoomView } from '@lightstick/protocol';
import { ADMIN_PASSWORD } from './harness.ts';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

let counter = 0;
export const uniqueName = (prefix = 'fan') => `${prefix}${process.pid % 10000}x${++counter}`;

export async function registerUser(
  baseUrl: string,
  username = uniqueName(),
  displayName?: string,
): Promise<AuthResponse> {
  const res = await http<AuthResponse>(baseUrl, 'POST', '/api/auth/register', {
    body: { username, password: 'correct horse battery', ...(displayName ? { displayName } : {}) },
  });
  if (res.status !== 201) throw new Error(`register failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function loginAdmin(baseUrl: string): Promise<AuthResponse> {
  const res = await http<AuthResponse>(baseUrl, 'POST', '/api/auth/login', {
    body: { username: 'admin', password: ADMIN_PASSWORD },
  });
  if (res.status !== 200) throw new Error(`admin login failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** One admin sign-in per server (logins from one address are limited), renewed when refused. */
const adminTokens = new Map<string, Promise<string>>();

/**
 * Gives `userId` the creator flag, as a platform admin does: the communities it makes are then not fan-made,
 * and as their owner it sends at the staff rate (in a fan-made community an owner sends at the fan rate).
 */
export async function grantCreator(baseUrl: string, userId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let token = adminTokens.get(baseUrl);
    if (!token || attempt > 0) {
      token = loginAdmin(baseUrl).then((a) => a.accessToken);
      adminTokens.set(baseUrl, token);
    }
    const res = await http(baseUrl, 'PUT', `/api/admin/users/${userId}/creator`, {
      token: await token,
      body: { creator: true },
    });
    if (res.status === 200) return;
    if (attempt > 0) throw new Error(`grant creator failed ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** Creates a community owned by `token`'s user and returns it with its always-on community room. */
export async function createCommunity(
  baseUrl: string,
  token: string,
  slug = uniqueName('c'),
): Promise<{ community: CommunityView; room: RoomView }> {
  const c = await http<CommunityView>(baseUrl, 'POST', '/api/communities', {
    token,
    body: { slug, name: `Community ${slug}` },
  });
  if (c.status !== 201) throw new Error(`create community failed ${c.status} ${JSON.stringify(c.body)}`);
  const rooms = await http<{ rooms: RoomView[] }>(baseUrl, 'GET', `/api/communities/${c.body.id}/rooms`, {
    token,
  });
  const room = rooms.body.rooms[0];
  if (!room) throw new Error('community has no room');
  return { community: c.body, room };
}

export async function joinCommunity(baseUrl: string, token: string, communityId: string): Promise<void> {
  const res = await http(baseUrl, 'POST', `/api/communities/${communityId}/join`, { token });
  if (res.status !== 200) throw new Error(`join failed ${res.status} ${JSON.stringify(res.body)}`);
}
