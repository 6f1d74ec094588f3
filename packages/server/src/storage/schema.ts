/**
 * Kysely table types: the SQL shape of the store, shared by SQLite and PostgreSQL.
 * Columns are snake_case; repositories map rows to the camelCase records of repositories.ts.
 * Times are integer milliseconds (bigint in PostgreSQL, parsed back to JS numbers by the pool).
 * Booleans are 0/1 integers in both dialects, so the same parameters bind everywhere.
 */
import type { Generated, Selectable } from 'kysely';

/** Which SQL dialect a Kysely instance talks to; the few places that differ branch on it. */
export type SqlDialect = 'sqlite' | 'postgres';

export interface UsersTable {
  id: string;
  name: string;
  name_key: string;
  display_name: string;
  password_hash: string;
  admin: number;
  created_at: number;
}

export interface RefreshTokensTable {
  token_hash: string;
  user_id: string;
  family_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
}

export interface CommunitiesTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  created_by: string;
  created_at: number;
}

export interface MembershipsTable {
  community_id: string;
  user_id: string;
  role: string;
  joined_at: number;
}

export interface RoomsTable {
  id: string;
  community_id: string;
  name: string;
  kind: string;
  access: string;
  epoch: string;
  /** Offset of the room's newest archived message; 0 when empty. */
  last_offset: number;
  last_message_at: number | null;
  created_at: number;
}

export interface MessagesTable {
  /** The archive's own increasing row number, used for paging. */
  seq: Generated<number>;
  id: string;
  room_id: string;
  epoch: string;
  offset: number;
  cid: string;
  user_id: string;
  user_name: string;
  display_name: string;
  role: string;
  priority: number;
  text: string;
  ts: number;
}

export interface Schema {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  communities: CommunitiesTable;
  memberships: MembershipsTable;
  rooms: RoomsTable;
  messages: MessagesTable;
}

export type UserRow = Selectable<UsersTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type CommunityRow = Selectable<CommunitiesTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type RoomRow = Selectable<RoomsTable>;
export type MessageRow = Selectable<MessagesTable>;
