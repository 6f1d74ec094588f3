/**
 * Narrow repositories, one per consumer. One Kysely implementation serves SQLite and PostgreSQL.
 * Every method throws AppError('unavailable') when the database cannot be reached, and
 * AppError('conflict' | 'username_taken') for unique violations where noted.
 */
import type { ChatMessage, CommunityRole, Position, RoomAccess, RoomKind } from '@lightstick/protocol';
import type { LivesRepo, LocalChannelsRepo } from './lives-repositories.ts';
import type {
  AuditRepo,
  FiltersRepo,
  ModerationRepo,
  ReportsRepo,
  SanctionsRepo,
} from './moderation-records.ts';

export type * from './moderation-records.ts';

/** The most ids one `…Among` read takes (SQLite binds each as a parameter). */
export const MAX_IDS_AMONG = 1000;

export interface UserRecord {
  id: string;
  name: string;
  /** Lower-cased NFKC form of `name`, unique. */
  nameKey: string;
  /**
   * Look-alike key of `name` (auth/look-alikes.ts `nameSkeleton`), unique: 'mіna' with a Cyrillic і cannot join
   * an existing 'mina'. Null or absent: no claim (accounts made outside sign-up, and old accounts whose
   * skeleton an earlier account already held when it was introduced).
   */
  nameSkeleton?: string | null;
  displayName: string;
  passwordHash: string;
  admin: boolean;
  /** May create official communities; a platform admin grants it. */
  creator: boolean;
  createdAt: number;
}

export interface UsersRepo {
  /** Throws AppError('username_taken') when nameKey or nameSkeleton exists. */
  create(user: UserRecord): Promise<void>;
  byId(id: string): Promise<UserRecord | undefined>;
  byNameKey(nameKey: string): Promise<UserRecord | undefined>;
  byNameSkeleton(nameSkeleton: string): Promise<UserRecord | undefined>;
  setPasswordHash(id: string, hash: string): Promise<void>;
  /** Throws AppError('not_found') for an unknown user. */
  setCreator(id: string, creator: boolean): Promise<void>;
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

/** One sign-in: the refresh-token family. Its id is the `sid` claim of its access tokens. */
export interface AuthSessionRecord {
  id: string;
  userId: string;
  createdAt: number;
  /** Absolute end of the sign-in: rotations never extend it. */
  expiresAt: number;
  revokedAt: number | null;
}

/** What a rotation found: the successor was stored, or why not. */
export type RotateOutcome =
  | { kind: 'rotated'; session: AuthSessionRecord }
  /** The token was spent or its sign-in revoked: the sign-in is revoked now (a theft signal). */
  | { kind: 'reused'; session: AuthSessionRecord; revokedNow: boolean }
  | { kind: 'invalid' };

export interface SessionsRepo {
  /** Starts a sign-in with its first refresh token, in one transaction. */
  start(session: AuthSessionRecord, first: RefreshTokenRecord): Promise<void>;
  /**
   * Spends `tokenHash` and stores `next` in the same family, in one transaction that holds the sign-in's row:
   * a concurrent rotation or revocation waits, so a successor is never stored into a revoked sign-in. A spent
   * token, or any token of a revoked sign-in, revokes the sign-in and answers 'reused'.
   */
  rotate(
    tokenHash: string,
    next: Omit<RefreshTokenRecord, 'userId' | 'familyId'>,
    now: number,
  ): Promise<RotateOutcome>;
  session(id: string): Promise<AuthSessionRecord | undefined>;
  /** Revokes a sign-in and its tokens; returns the user when it was not revoked before. */
  revokeSession(id: string, at: number): Promise<string | undefined>;
  /** Revokes every live sign-in of a user but `exceptId`; returns their ids. */
  revokeUserSessions(userId: string, at: number, exceptId?: string): Promise<string[]>;
  /** Ids of sign-ins revoked at or after `since` (seeds a process's revocation list). */
  revokedSince(since: number): Promise<string[]>;
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
  /** Replaces the stored private key (sealing or re-sealing it at rest). */
  setPrivate(kid: string, privateJwk: string): Promise<void>;
}

export interface CommunityRecord {
  id: string;
  slug: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: number;
  /** Made by an account without the creator flag: shown as fan-made. */
  fanMade: boolean;
  /** Verified by a platform admin: shown with the official mark. */
  official: boolean;
}

export interface MembershipRecord {
  communityId: string;
  userId: string;
  role: CommunityRole;
  joinedAt: number;
}

/** What the community list shows of a community's life (CommunityView `memberCount`, `liveCount`). */
export interface CommunityCounts {
  /** Memberships, whatever their role. */
  members: number;
  /** Lives in state `live` or `reconnecting`. */
  live: number;
}

/** What a creation is counted against, read in the creating transaction. */
export interface CreationCounts {
  /** Made so far, in all. */
  total: number;
  /** Creation times (ms) at or after the quota's `since`, oldest first. */
  recent: number[];
}

/**
 * A quota checked in the creating transaction while the owner of the count is held (the creator's user row,
 * or the community's row; PostgreSQL: FOR UPDATE, SQLite: one writer), so concurrent creations are counted
 * one after another and never pass it together.
 */
export interface CreationQuota {
  since: number;
  /** Throws (an AppError) to refuse: nothing is stored then. */
  check(counts: CreationCounts): void;
}

export interface CommunitiesRepo {
  /**
   * Creates the community, its always-on community room and the creator's owner membership in one transaction.
   * Throws 'conflict' on a taken slug. `quota` counts the communities the creator made.
   */
  create(community: CommunityRecord, room: RoomRecord, quota?: CreationQuota): Promise<void>;
  byId(id: string): Promise<CommunityRecord | undefined>;
  /** Throws AppError('not_found') for an unknown community. */
  setOfficial(id: string, official: boolean): Promise<void>;
  /**
   * Communities ordered by slug; `after` is the slug of the last community of the previous page. `search`
   * keeps those whose name (as its lower-cased NFKC key) or slug contains the search's own key, taken
   * literally (`%` and `_` too); blank keeps all.
   */
  list(opts: { limit: number; after?: string; search?: string }): Promise<CommunityRecord[]>;
  /**
   * Member and on-air live counts of each community asked for, in ONE grouped query whatever their number
   * (a list page asks for its page); an unknown id counts zero.
   */
  counts(communityIds: readonly string[]): Promise<Map<string, CommunityCounts>>;
  membership(communityId: string, userId: string): Promise<MembershipRecord | undefined>;
  /**
   * The memberships of those of `userIds` who are members of the community, by user id, in ONE query whatever
   * their number (the joins of many fans at once, app/access-cache.ts); at most MAX_IDS_AMONG ids.
   */
  membershipsAmong(communityId: string, userIds: readonly string[]): Promise<Map<string, MembershipRecord>>;
  /** Inserts or replaces the membership. */
  setMembership(m: MembershipRecord): Promise<void>;
  removeMembership(communityId: string, userId: string): Promise<void>;
  memberships(userId: string): Promise<MembershipRecord[]>;
  /**
   * Members of a community ordered by userId; `after` is the last userId of the previous page; `nameKeyPrefix`
   * keeps those whose username key (lower-cased NFKC) starts with it, taken literally (`%` and `_` too).
   */
  members(
    communityId: string,
    opts: { limit: number; after?: string; nameKeyPrefix?: string },
  ): Promise<MembershipRecord[]>;
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
  /** `quota` counts the community's rooms, lives' rooms left out. */
  create(room: RoomRecord, quota?: CreationQuota): Promise<void>;
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

/** Archive reads for fans leave deleted messages out; moderators see them (marked by the caller). */
export interface PageOptions {
  hideDeleted?: boolean;
}

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
  pageBefore(
    room: string,
    before: number | null,
    limit: number,
    opts?: PageOptions,
  ): Promise<ArchivedMessage[]>;
  /** Up to `limit` messages with seq > after, oldest first. */
  pageAfter(room: string, after: number, limit: number, opts?: PageOptions): Promise<ArchivedMessage[]>;
  /** One archived message of a room by its id. */
  byId(room: string, id: string): Promise<ChatMessage | undefined>;
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
  lives: LivesRepo;
  localChannels: LocalChannelsRepo;
  moderation: ModerationRepo;
  sanctions: SanctionsRepo;
  reports: ReportsRepo;
  audit: AuditRepo;
  filters: FiltersRepo;
  /** Cheap round trip for readiness. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
