/**
 * Real building blocks for chat and gateway unit tests: a SQLite file in a temp dir, the memory broker,
 * history and rate limiter, a clock moved by hand. Nothing here is a mock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CommunityRole, RoomAccess } from '@lightstick/protocol';
import { openSqliteStore } from '../../src/storage/sqlite.ts';
import type { RoomRecord, Store } from '../../src/storage/repositories.ts';
import type { Principal } from '../../src/auth/principal.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { insertUser } from '../support/users.ts';
import type { Connection, PreparedFrame } from '../../src/gateway/connection.ts';
import type { Subscriber } from '../../src/gateway/outbox.ts';

export { fakeClock as clock, type FakeClock as Clock } from '../support/fake-clock.ts';

export const silentLogger = () => createLogger({ level: 'silent', nodeId: 'test' });
export const testMetrics = () => createMetrics('test');

/** A member connection of the Hub that keeps every frame written to it, for the tests to read. */
export class Sink implements Connection, Subscriber {
  readonly written: PreparedFrame[] = [];
  /** Write calls (one system call each on a real socket, however many frames a `writeMany` carries). */
  writes = 0;
  readonly open = true;
  get connection() {
    return this;
  }
  constructor(readonly id: string) {}
  held() {
    return undefined;
  }
  write(f: PreparedFrame) {
    this.writes++;
    this.written.push(f);
  }
  writeMany(fs: readonly PreparedFrame[]) {
    this.writes++;
    this.written.push(...fs);
  }
  bufferedAmount() {
    return 0;
  }
  close() {}
}

export interface TempStore {
  store: Store;
  dir: string;
  file: string;
  cleanup(): Promise<void>;
}

export async function tempStore(): Promise<TempStore> {
  const dir = await mkdtemp(path.join(tmpdir(), 'lightstick-chat-'));
  const file = path.join(dir, 'test.db');
  const store = await openSqliteStore(file, { synchronous: 'NORMAL' });
  return {
    store,
    dir,
    file,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;

export async function user(store: Store, opts: { admin?: boolean } = {}): Promise<Principal> {
  const u = await insertUser(store, { prefix: 'user', ...opts });
  return {
    userId: u.id,
    name: u.name,
    displayName: u.displayName,
    admin: u.admin,
    expiresAt: Date.now() + 3_600_000,
  };
}

/** A community owned by `owner`, with its community room (public) and optionally a members-only room. */
export async function community(store: Store, owner: Principal) {
  const communityId = randomUUID();
  const room: RoomRecord = {
    id: randomUUID(),
    communityId,
    name: 'general',
    kind: 'community',
    access: 'public',
    epoch: randomUUID(),
    createdAt: 0,
  };
  await store.communities.create(
    {
      id: communityId,
      slug: `c${++n}`,
      name: 'Community',
      description: '',
      createdBy: owner.userId,
      fanMade: false,
      official: false,
      createdAt: 0,
    },
    room,
  );
  return { communityId, room };
}

export async function addRoom(store: Store, communityId: string, access: RoomAccess): Promise<RoomRecord> {
  const room: RoomRecord = {
    id: randomUUID(),
    communityId,
    name: `room${++n}`,
    kind: 'community',
    access,
    epoch: randomUUID(),
    createdAt: 0,
  };
  await store.rooms.create(room);
  return room;
}

export async function member(
  store: Store,
  communityId: string,
  p: Principal,
  role: CommunityRole,
): Promise<void> {
  await store.communities.setMembership({ communityId, userId: p.userId, role, joinedAt: 0 });
}
