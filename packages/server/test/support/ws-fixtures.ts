/**
 * Fixtures for the WebSocket integration tests: users, communities and rooms written straight to the real
 * store of an in-process server, tokens from its real TokenService, and raw clients from support/ws-client.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  chatMessages,
  type ChatMessage,
  type CommunityRole,
  type JoinedFrame,
  type MessagesFrame,
  type Position,
  type RoomAccess,
} from '@lightstick/protocol';
import type { InProcess } from './harness.ts';
import { FRAME_DEADLINE_MS, WsTestClient } from './ws-client.ts';
import { insertUser } from './users.ts';
import type { RoomRecord } from '../../src/storage/repositories.ts';
import type { Runtime } from '../../src/runtime.ts';

/** Real time unless moved: `advance` shifts the clock the server reads (token expiry, rate limits). */
export interface ShiftableRuntime extends Runtime {
  advance(ms: number): void;
  freeze(): void;
}

export function shiftableRuntime(): ShiftableRuntime {
  let shift = 0;
  let frozen: number | undefined;
  return {
    now: () => (frozen ?? Date.now()) + shift,
    id: () => randomUUID(),
    random: (n) => randomBytes(n),
    advance: (ms) => void (shift += ms),
    freeze: () => void (frozen = Date.now()),
  };
}

export interface TestUser {
  id: string;
  name: string;
  token: string;
}

let n = 0;

export function world(app: InProcess) {
  const store = app.services.store;
  const tokens = app.server.built.tokens;

  async function newUser(opts: { admin?: boolean } = {}): Promise<TestUser> {
    const u = await insertUser(store, { prefix: 'ws', ...opts });
    const { token } = await tokens.issue(u);
    return { id: u.id, name: u.name, token };
  }

  async function tokenFor(u: TestUser): Promise<string> {
    return (await tokens.issue({ id: u.id, name: u.name, displayName: `Fan`, admin: false })).token;
  }

  async function newCommunity(owner: TestUser): Promise<{ communityId: string; room: RoomRecord }> {
    const communityId = randomUUID();
    const room: RoomRecord = {
      id: randomUUID(),
      communityId,
      name: 'general',
      kind: 'community',
      access: 'public',
      epoch: randomUUID(),
      createdAt: Date.now(),
    };
    const slug = `c${process.pid % 1000}x${++n}`;
    await store.communities.create(
      {
        id: communityId,
        slug,
        name: slug,
        description: '',
        createdBy: owner.id,
        createdAt: Date.now(),
        fanMade: false,
        official: false,
      },
      room,
    );
    return { communityId, room };
  }

  async function addRoom(communityId: string, access: RoomAccess): Promise<RoomRecord> {
    const room: RoomRecord = {
      id: randomUUID(),
      communityId,
      name: `room${++n}`,
      kind: 'live',
      access,
      epoch: randomUUID(),
      createdAt: Date.now(),
    };
    await store.rooms.create(room);
    return room;
  }

  async function addMember(communityId: string, u: TestUser, role: CommunityRole = 'fan'): Promise<void> {
    await store.communities.setMembership({ communityId, userId: u.id, role, joinedAt: Date.now() });
  }

  const connect = (u: TestUser) => WsTestClient.authed(app.wsUrl, u.token);

  /** A community whose owner is connected and in its room, and a fan member who is not connected yet. */
  async function ownerInRoomWithFan() {
    const ownerUser = await newUser();
    const { room, communityId } = await newCommunity(ownerUser);
    const owner = await connect(ownerUser);
    await join(owner, room.id);
    const fan = await newUser();
    await addMember(communityId, fan);
    return { room, communityId, owner, fan };
  }

  return { newUser, tokenFor, newCommunity, addRoom, addMember, connect, ownerInRoomWithFan };
}

let reqId = 1000;
export const nextId = () => ++reqId;

export async function join(c: WsTestClient, room: string, since?: Position): Promise<JoinedFrame> {
  const f = await c.request({ op: 'join', id: nextId(), room, ...(since ? { since } : {}) });
  assert.equal(f.t, 'joined', JSON.stringify(f));
  return f as JoinedFrame;
}

/** Every chat message the client received live for `room`, in arrival order. */
export function received(c: WsTestClient, room: string): ChatMessage[] {
  return c.frames
    .filter((f): f is MessagesFrame => f.t === 'msgs' && f.room === room)
    .flatMap((f) => chatMessages(f));
}

/** Waits (bounded, load-tolerant: a deadline, not a timing assertion) until `cond` holds. */
export async function until(cond: () => boolean, what: string, timeoutMs = FRAME_DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
