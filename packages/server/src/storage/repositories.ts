/**
 * Narrow repositories, one per consumer. One Kysely implementation serves SQLite and PostgreSQL.
 * Every method throws AppError('unavailable') when the database cannot be reached, and
 * AppError('conflict' | 'username_taken') for unique violations where noted.
 */
import type { ChatMessage, CommunityRole, Position, RoomAccess, RoomKind } from '@lightstick/protocol';

export interface UserRecord {
  id: string;
  name: string;
  /** Lower-cased NFKC form of `name`, unique. */
  nameKey: string;
  displayName: string;
  passwordHash: string;
  admin: boolean;
  createdAt: number;
}

export interface UsersRepo {
  /** Throws AppError('username_taken') when nameKey exists. */
  create(user: UserRecord): Promise<void>;
  byId(id: string): Promise<UserRecord | undefined>;
  byNameKey(nameKey: string): Promise<UserRecord | undefined>;
  setPasswordHash(id: string, hash: string): Promise<void>;
}

export interface RefreshTokenRecord {
  /** sha256 of the token, hex; the token itself is never stored. */
  tokenHash: string;
  userId: string;
  /** Every token issued from one login shares a family; reuse of a rotated token revokes the family. */
  familyId: string;
  createdAt: number;
  expiresAt: number;
  /** Set when rotated or revoked. */
  usedAt: number | null;
  revokedAt: number | null;
}

export interface SessionsRepo {
  insert(token: RefreshTokenRecord): Promise<void>;
  byHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Atomically marks `tokenHash` used if it was unused; returns false when it was already used (reuse). */
  markUsed(tokenHash: string, at: number): Promise<boolean>;
  revokeFamily(familyId: string, at: number): Promise<void>;
  deleteExpired(before: number): Promise<number>;
}

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  /** JWK JSON of the private key. Never leaves the server. */
  privateJwk: string;
  publicJwk: string;
  createdAt: number;
  /** After this the key no longer signs; it still verifies until its tokens expire. */
  retiredAt: number | null;
}

export interface SigningKeysRepo {
  insert(key: SigningKeyRecord): Promise<void>;
  /** Keys not retired, or retired after `since`, newest first. */
  usable(since: number): Promise<SigningKeyRecord[]>;
  retire(kid: string, at: number): Promise<void>;
}

export interface CommunityRecord {
  id: string;
  slug: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: number;
}

export interface MembershipRecord {
  communityId: string;
  userId: string;
  role: CommunityRole;
  joinedAt: number;
}

export interface CommunitiesRepo {
  /** Creates the community, its always-on community room and the creator's owner membership in one transaction. Throws 'conflict' on a taken slug. */
  create(community: CommunityRecord, room: RoomRecord): Promise<void>;
  byId(id: string): Promise<CommunityRecord | undefined>;
  list(opts: { limit: number; after?: string }): Promise<CommunityRecord[]>;
  membership(communityId: string, userId: string): Promise<MembershipRecord | undefined>;
  /** Inserts or replaces the membership. */
  setMembership(m: MembershipRecord): Promise<void>;
  removeMembership(communityId: string, userId: string): Promise<void>;
  memberships(userId: string): Promise<MembershipRecord[]>;
  /** Members of a community ordered by userId; `after` is the last userId of the previous page. */
  members(communityId: string, opts: { limit: number; after?: string }): Promise<MembershipRecord[]>;
}

export interface RoomRecord {
  id: string;
  communityId: string;
  name: string;
  kind: RoomKind;
  access: RoomAccess;
  /** Epoch of the room's message stream; changes only when its history is lost. */
  epoch: string;
  createdAt: number;
}

export interface RoomsRepo {
  create(room: RoomRecord): Promise<void>;
  byId(id: string): Promise<RoomRecord | undefined>;
  listByCommunity(communityId: string): Promise<RoomRecord[]>;
  /** Rooms that had a message after `since` (ms), for seeding hot history at start. */
  activeSince(since: number): Promise<RoomRecord[]>;
}

export interface ArchivedMessage {
  seq: number;
  message: ChatMessage;
}

/** A message before the archive gives it a position. */
export type MessageDraft = Omit<ChatMessage, 'pos'>;

export interface MessagesRepo {
  /**
   * Embedded mode: in ONE transaction, gives each draft the next offset of its room (consecutive, from the
   * room's last offset) in array order, and stores it. Drafts whose (room, user, cid) is already stored are not
   * stored again: the stored message is returned for them with duplicate=true. Returns one result per draft.
   */
  appendBatch(drafts: MessageDraft[]): Promise<{ message: ChatMessage; duplicate: boolean }[]>;
  /** Scale-out mode: stores messages that already have positions; ignores ones already stored. */
  archiveBatch(messages: ChatMessage[]): Promise<void>;
  /** The stored message with this client id from this user in this room. */
  byClientId(room: string, userId: string, cid: string): Promise<ChatMessage | undefined>;
  /** Last position of a room in the archive (offset 0 when empty). */
  lastPosition(room: string): Promise<Position>;
  /**
   * Archive paging by `seq`, the archive's own increasing row number (independent of epochs).
   * Up to `limit` messages with seq < before (null: from the newest), returned oldest first.
   */
  pageBefore(room: string, before: number | null, limit: number): Promise<ArchivedMessage[]>;
  /** Up to `limit` messages with seq > after, oldest first. */
  pageAfter(room: string, after: number, limit: number): Promise<ArchivedMessage[]>;
  /** The newest `limit` messages of a room, oldest first (for seeding hot history). */
  latest(room: string, limit: number): Promise<ChatMessage[]>;
  count(room: string): Promise<number>;
}

/** Everything the store opens; `close` releases the database. */
export interface Store {
  users: UsersRepo;
  sessions: SessionsRepo;
  signingKeys: SigningKeysRepo;
  communities: CommunitiesRepo;
  rooms: RoomsRepo;
  messages: MessagesRepo;
  /** Cheap round trip for readiness. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
