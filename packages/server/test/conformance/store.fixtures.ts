/** Records and drafts for the store conformance suite. */
import assert from 'node:assert/strict';
import type {
  CommunityRecord,
  MessageDraft,
  RoomRecord,
  Store,
  UserRecord,
} from '../../src/storage/repositories.ts';
import { nameSkeleton } from '../../src/auth/look-alikes.ts';

export interface StoreHandle {
  store: Store;
  cleanup(): Promise<void>;
}
export type StoreFactory = () => Promise<StoreHandle>;

let counter = 0;
/** Unique per process run, readable in failures. */
export const uid = (prefix: string): string => `${prefix}-${++counter}`;

export function user(over: Partial<UserRecord> = {}): UserRecord {
  const name = over.name ?? uid('fan');
  return {
    id: uid('u'),
    name,
    nameKey: name.toLowerCase(),
    nameSkeleton: nameSkeleton(name),
    displayName: name,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    admin: false,
    creator: false,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

export function community(over: Partial<CommunityRecord> = {}): CommunityRecord {
  return {
    id: uid('c'),
    slug: uid('slug'),
    name: 'Stray Kids',
    description: 'STAY here',
    createdBy: 'u-owner',
    createdAt: 1_700_000_000_000,
    fanMade: false,
    official: false,
    ...over,
  };
}

export function room(communityId: string, over: Partial<RoomRecord> = {}): RoomRecord {
  return {
    id: uid('r'),
    communityId,
    name: 'lobby',
    kind: 'community',
    access: 'public',
    epoch: 'e1',
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

/** A community with its community room; returns the room. */
export async function seedRoom(store: Store, over: Partial<RoomRecord> = {}): Promise<RoomRecord> {
  const c = community();
  const r = room(c.id, over);
  await store.communities.create(c, r);
  return r;
}

export function draft(roomId: string, over: Partial<MessageDraft> = {}): MessageDraft {
  return {
    id: uid('m'),
    room: roomId,
    cid: uid('cid'),
    user: { id: 'u-fan', name: 'fan', displayName: 'Fan' },
    role: 'fan',
    priority: false,
    text: 'hello',
    ts: 1_700_000_000_000 + counter,
    ...over,
  };
}

/** Asserts that `p` rejects with an AppError of `code`. */
export async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, { name: 'AppError', code });
}
