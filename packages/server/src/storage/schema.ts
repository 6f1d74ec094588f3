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
  /** Confusable skeleton of `name` (0007), unique; NULL for accounts made before it whose skeleton was taken. */
  name_skeleton: string | null;
  display_name: string;
  password_hash: string;
  admin: number;
  /** 0/1: may create official communities (0004). */
  creator: Generated<number>;
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

/** One sign-in (0005): the refresh-token family, its absolute end and its revocation. */
export interface AuthSessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
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
  /** 0/1 (0004): made by an account without the creator flag. */
  fan_made: Generated<number>;
  /** 0/1 (0004): verified by a platform admin. */
  official: Generated<number>;
  /**
   * Lower-cased NFKC form of `name` (0009), what a search matches; NULL in rows a process older than 0009
   * inserted (the search falls back to lower(name) for them).
   */
  name_key: string | null;
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
  /** Detected language (0004); null for messages stored before it. */
  lang: string | null;
  /** JSON arrays of Mention and Link (0004); null when none. */
  mentions: string | null;
  links: string | null;
  /** JSON ReplyRef (0005): the message answered; null when none. */
  reply: string | null;
}

export interface RoomModesTable {
  room_id: string;
  slow_seconds: number;
  members_only: number;
  emote_only: number;
  unique_chat: number;
  fan_delay_ms: number;
  updated_by: string;
  updated_at: number;
}

export interface RoomPinsTable {
  room_id: string;
  /** The pinned ChatMessage as JSON, as it was when pinned. */
  message: string;
  pinned_by_id: string;
  pinned_by_name: string;
  pinned_at: number;
}

export interface MessageDeletionsTable {
  message_id: string;
  room_id: string;
  deleted_by_id: string;
  deleted_by_name: string;
  deleted_at: number;
}

export interface SanctionsTable {
  community_id: string;
  user_id: string;
  /** 'ban' | 'timeout' */
  kind: string;
  /** Timeouts: end (ms); bans: null. */
  until: number | null;
  reason: string;
  by_id: string;
  by_name: string;
  at: number;
}

export interface ReportsTable {
  seq: Generated<number>;
  id: string;
  community_id: string;
  room_id: string;
  kind: string;
  status: string;
  message_id: string;
  /** ReportedMessage JSON. */
  message: string;
  reporter_id: string | null;
  reporter_name: string | null;
  reason: string;
  created_at: number;
  resolved_by_id: string | null;
  resolved_by_name: string | null;
  resolved_at: number | null;
  note: string;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  community_id: string | null;
  room_id: string | null;
  actor_id: string;
  actor_name: string;
  action: string;
  target_user_id: string | null;
  target_message_id: string | null;
  /** JSON object. */
  details: string;
  at: number;
}

export interface FilterSettingsTable {
  community_id: string;
  builtin: string;
  /** JSON array of FilterTerm. */
  terms: string;
  /** JSON array of strings. */
  allow: string;
  updated_at: number;
}

export interface LivesTable {
  id: string;
  community_id: string;
  room_id: string;
  title: string;
  access: string;
  provider: string;
  channel_id: string;
  /** JSON object of the provider's non-secret channel data. */
  channel_meta: string;
  state: string;
  scheduled_at: number | null;
  started_at: number | null;
  ended_at: number | null;
  created_by: string;
  created_at: number;
  /** Provider time of the newest event applied (0: none yet): older events are stale. */
  event_at: number;
  /** While reconnecting: when the live ends unless the publisher is back. */
  grace_until: number | null;
  /** Bumped by every change: updates are compare-and-set on it. */
  version: number;
}

export interface ProviderEventsTable {
  provider: string;
  event_id: string;
  received_at: number;
}

export interface LocalChannelsTable {
  id: string;
  /** The stream key, sealed (storage/secret-sealer.ts; clear in rows older than that), null once revoked. */
  stream_key: string | null;
  /** SHA-256 (hex) of the stream key: how a publish finds its channel. Null once revoked. */
  stream_key_hash: string | null;
  /** Signs this channel's playback tokens; sealed like the stream key. */
  secret: string;
  created_at: number;
  revoked_at: number | null;
  /** Heartbeat of the media process while a publish runs; null when none does. */
  seen_at: number | null;
}

export interface Schema {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  auth_sessions: AuthSessionsTable;
  signing_keys: SigningKeysTable;
  communities: CommunitiesTable;
  memberships: MembershipsTable;
  rooms: RoomsTable;
  messages: MessagesTable;
  lives: LivesTable;
  provider_events: ProviderEventsTable;
  local_channels: LocalChannelsTable;
  room_modes: RoomModesTable;
  room_pins: RoomPinsTable;
  message_deletions: MessageDeletionsTable;
  sanctions: SanctionsTable;
  reports: ReportsTable;
  audit_log: AuditLogTable;
  filter_settings: FilterSettingsTable;
}

export type UserRow = Selectable<UsersTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type CommunityRow = Selectable<CommunitiesTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type RoomRow = Selectable<RoomsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type LiveRow = Selectable<LivesTable>;
export type LocalChannelRow = Selectable<LocalChannelsTable>;
export type ReportRow = Selectable<ReportsTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type SanctionRow = Selectable<SanctionsTable>;
