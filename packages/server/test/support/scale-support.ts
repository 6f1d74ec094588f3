/**
 * Helpers for the scale-out tests: SDK users spread over several gateways, a community room to chat in,
 * the full archive of a room, and checks on delivered sequences.
 */
import assert from 'node:assert/strict';
import type { ApiClient } from '@lightstick/client';
import { RealtimeClient } from '@lightstick/client';
import type { ChatMessage, RoomView } from '@lightstick/protocol';
import { WebSocket } from 'ws';
import { signedInUser, type TestUser } from './client-support.ts';

/** Reconnect quickly in tests: a lost gateway is found missing within a second or so. */
const BACKOFF = { baseMs: 100, capMs: 1000 };

/**
 * A new signed-in user whose realtime client knows `urls` (it starts on the first and moves on to the
 * next on each reconnect). Connected, and joined to `room` when given.
 */
export async function userOn(
  apiUrl: string,
  urls: string[],
  room?: RoomView,
  opts: { displayName?: string } = {},
): Promise<TestUser> {
  const u = await signedInUser(apiUrl, urls[0] as string, { url: urls, backoff: BACKOFF, ...opts });
  if (room) await u.api.joinCommunity(room.communityId);
  u.rt.connect();
  if (room) await u.rt.join(room.id);
  return u;
}

/** One more connection of the same user (same ApiClient, so the same tokens and rate limit). */
export function sameUserClient(api: ApiClient, urls: string[]): RealtimeClient {
  return new RealtimeClient({
    url: urls,
    getToken: (o) => api.getAccessToken(o),
    WebSocket,
    backoff: BACKOFF,
  });
}

/**
 * A fresh community (so its room's offsets start at 1) owned by `owner`, and its room. The owner is made a
 * creator first, so the community is not fan-made and its owner sends at the staff rate.
 */
export async function freshRoom(owner: TestUser, slug: string): Promise<RoomView> {
  await owner.makeCreator();
  const c = await owner.api.createCommunity({
    slug: `${slug}-${process.pid % 1000}-${Date.now() % 100000}`,
    name: slug,
  });
  return (await owner.api.listRooms(c.id))[0] as RoomView;
}

/** Every archived message of a room, oldest first, following the pages from the start. */
export async function archived(api: ApiClient, roomId: string): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  let after: number | null = 0;
  while (after !== null) {
    const page = await api.messages(roomId, { after, limit: 200 });
    out.push(...page.messages);
    after = page.messages.length > 0 ? page.nextCursor : null;
  }
  return out;
}

/** A sequence as comparable text: id, epoch and offset of each message. */
export const positions = (msgs: ChatMessage[] | undefined) =>
  (msgs ?? []).map((m) => `${m.id}@${m.pos.epoch}:${m.pos.offset}`);

/** Each of `expected` (ids, in order) appears exactly once in `got`, and in that order. */
export function assertExactlyOnceInOrder(got: ChatMessage[], expected: string[], who: string): void {
  const ids = got.map((m) => m.id);
  const seen = new Map<string, number>();
  for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  const missing = expected.filter((id) => !seen.has(id));
  const doubled = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(missing, [], `${who}: acknowledged messages missing`);
  assert.deepEqual(doubled, [], `${who}: messages delivered twice`);
  const wanted = new Set(expected);
  assert.deepEqual(
    ids.filter((id) => wanted.has(id)),
    expected,
    `${who}: acknowledged messages out of order`,
  );
}

/** Closes every client (never throws), for `finally` blocks. */
export function closeAll(users: (TestUser | RealtimeClient)[]): void {
  for (const u of users) ('rt' in u ? u.rt : u).close();
}
