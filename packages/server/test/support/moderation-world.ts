/**
 * A community with one person of every role (fan, member, moderator, artist, owner, a platform admin) and an
 * outsider, on an in-process server: tokens for HTTP, WebSocket clients joined to its rooms, and helpers to send
 * and to call the API. Used by the moderation tests.
 */
import assert from 'node:assert/strict';
import type { AckFrame, CommunityRole, ErrorFrame, ServerFrame } from '@lightstick/protocol';
import type { InProcess } from './harness.ts';
import { http, type JsonResponse } from './api.ts';
import { join, nextId, world, type TestUser } from './ws-fixtures.ts';
import type { WsTestClient } from './ws-client.ts';
import type { RoomRecord } from '../../src/storage/repositories.ts';

export const ROLES = ['fan', 'member', 'moderator', 'artist', 'owner', 'admin'] as const;
export type ActorName = (typeof ROLES)[number] | 'outsider';

export interface ModerationWorld {
  app: InProcess;
  communityId: string;
  lobby: RoomRecord;
  people: Record<ActorName, TestUser>;
  /** Another fan, the one acted on. */
  target: TestUser;
  /** More fans who write the messages acted on (so no one of them hits the send rate limit). */
  writers: TestUser[];
  call<T = unknown>(who: TestUser, method: string, path: string, body?: unknown): Promise<JsonResponse<T>>;
  /** A connected client for `who`, joined to `rooms` (made once per person, reused). */
  client(who: TestUser, ...rooms: string[]): Promise<WsTestClient>;
  /** Sends and answers the ack or the error frame. */
  send(who: TestUser, room: string, text: string): Promise<AckFrame | ErrorFrame>;
  addRoom(access?: 'public' | 'members'): Promise<RoomRecord>;
  setRole(who: TestUser, role: CommunityRole): Promise<void>;
  closeClients(): void;
}

let cids = 0;

export async function moderationWorld(app: InProcess): Promise<ModerationWorld> {
  const w = world(app);
  const owner = await w.newUser();
  const { communityId, room: lobby } = await w.newCommunity(owner);
  const people = { owner } as Record<ActorName, TestUser>;
  for (const role of ['fan', 'member', 'moderator', 'artist'] as const) {
    people[role] = await w.newUser();
    await w.addMember(communityId, people[role], role);
  }
  people.admin = await w.newUser({ admin: true });
  people.outsider = await w.newUser();
  const target = await w.newUser();
  await w.addMember(communityId, target, 'fan');
  const writers: TestUser[] = [];
  for (let i = 0; i < 6; i++) {
    writers.push(await w.newUser());
    await w.addMember(communityId, writers[i]!, 'fan');
  }
  const clients = new Map<string, { c: WsTestClient; rooms: Set<string> }>();
  async function client(who: TestUser, ...rooms: string[]): Promise<WsTestClient> {
    let entry = clients.get(who.id);
    if (!entry) {
      entry = { c: await w.connect(who), rooms: new Set() };
      clients.set(who.id, entry);
    }
    for (const r of rooms) {
      if (entry.rooms.has(r)) continue;
      await join(entry.c, r);
      entry.rooms.add(r);
    }
    return entry.c;
  }

  return {
    app,
    communityId,
    lobby,
    people,
    target,
    writers,
    call: (who, method, path, body) =>
      http(app.baseUrl, method, path, { token: who.token, ...(body !== undefined ? { body } : {}) }),
    client,
    async send(who, room, text) {
      const c = await client(who);
      const entry = clients.get(who.id)!;
      if (!entry.rooms.has(room)) {
        const joined = await c.request<ServerFrame>({ op: 'join', id: nextId(), room });
        if (joined.t === 'error') return joined;
        entry.rooms.add(room);
      }
      const f = await c.request<ServerFrame>({ op: 'send', id: nextId(), room, cid: `cid-${++cids}`, text });
      assert.ok(f.t === 'ack' || f.t === 'error', JSON.stringify(f));
      return f;
    },
    addRoom: (access = 'public') => w.addRoom(communityId, access),
    async setRole(who, role) {
      await app.services.store.communities.setMembership({
        communityId,
        userId: who.id,
        role,
        joinedAt: Date.now(),
      });
    },
    closeClients() {
      for (const { c } of clients.values()) c.close();
      clients.clear();
    },
  };
}

/** The code of an error frame or HTTP error body, or 'ok'. */
export function outcome(r: AckFrame | ErrorFrame | JsonResponse): string {
  if ('t' in r) return r.t === 'ack' ? 'ok' : r.code;
  if (r.status < 300) return 'ok';
  return (r.body as { error?: { code?: string } } | undefined)?.error?.code ?? `http ${r.status}`;
}
