/**
 * Records and narrow repositories of moderation (migration 0004). Every change a moderator makes is written
 * in ONE transaction with its audit entry, so the audit log never misses an action that happened nor shows
 * one that did not. Errors as in repositories.ts: AppError('unavailable') when the database cannot be reached.
 */
import type {
  AuditAction,
  ChatMessage,
  FilterSettings,
  ReportKind,
  ReportStatus,
  ReportedMessage,
  SanctionKind,
} from '@lightstick/protocol';
import type { MembershipRecord } from './repositories.ts';

/** Who did something, as shown in the audit log and to moderators. */
export interface ActorRef {
  id: string;
  name: string;
}

export interface RoomModeRecord {
  room: string;
  slowSeconds: number;
  membersOnly: boolean;
  emoteOnly: boolean;
  uniqueChat: boolean;
  fanDelayMs: number;
  updatedBy: string;
  updatedAt: number;
}

export interface PinRecord {
  room: string;
  message: ChatMessage;
  pinnedBy: ActorRef;
  pinnedAt: number;
}

export interface DeletionRecord {
  messageId: string;
  room: string;
  by: ActorRef;
  at: number;
}

export interface SanctionRecord {
  communityId: string;
  userId: string;
  kind: SanctionKind;
  /** Timeouts: when it ends (ms); bans: null. */
  until: number | null;
  reason: string;
  by: ActorRef;
  at: number;
}

export interface AuditRecord {
  id: string;
  communityId: string | null;
  room: string | null;
  actor: ActorRef;
  action: AuditAction;
  targetUserId: string | null;
  targetMessageId: string | null;
  details: Record<string, unknown>;
  at: number;
}

export interface ReportRecord {
  id: string;
  communityId: string;
  room: string;
  kind: ReportKind;
  status: ReportStatus;
  message: ReportedMessage;
  /** null for held messages. */
  reporter: ActorRef | null;
  reason: string;
  createdAt: number;
  resolvedBy: ActorRef | null;
  resolvedAt: number | null;
  note: string;
}

export interface FilterSettingsRecord extends FilterSettings {
  communityId: string;
  updatedAt: number;
}

export interface ModerationRepo {
  roomMode(room: string): Promise<RoomModeRecord | undefined>;
  /** Inserts or replaces the room's mode; throws not_found for an unknown room. */
  setRoomMode(mode: RoomModeRecord, audit: AuditRecord): Promise<void>;
  pin(room: string): Promise<PinRecord | undefined>;
  /** Replaces the room's pin. */
  setPin(pin: PinRecord, audit: AuditRecord): Promise<void>;
  /** Removes the pin; false (and no audit entry) when there was none. */
  clearPin(room: string, audit: AuditRecord): Promise<boolean>;
  /** Marks a message deleted; false (and no audit entry) when it already was. */
  deleteMessage(d: DeletionRecord, audit: AuditRecord): Promise<boolean>;
  /** The deletions among `messageIds` (any order); unknown ids are left out. */
  deletions(messageIds: string[]): Promise<DeletionRecord[]>;
  /** Sets the role with its audit entry (owners making artists and moderators). */
  setRole(m: MembershipRecord, audit: AuditRecord): Promise<void>;
}

export interface SanctionsRepo {
  /** Both kinds for one user in one community, expired timeouts included (the caller compares with now). */
  of(communityId: string, userId: string): Promise<SanctionRecord[]>;
  /**
   * The same for each of `userIds` that has any, by user id, in ONE query whatever their number (the joins of many
   * fans at once, app/access-cache.ts); at most MAX_IDS_AMONG ids (repositories.ts).
   */
  among(communityId: string, userIds: readonly string[]): Promise<Map<string, SanctionRecord[]>>;
  /** Inserts or replaces the user's sanction of that kind. */
  set(s: SanctionRecord, audit: AuditRecord): Promise<void>;
  /** Removes it; false (and no audit entry) when there was none. */
  lift(communityId: string, userId: string, kind: SanctionKind, audit: AuditRecord): Promise<boolean>;
  /** Sanctions in force at `now` (bans, timeouts not yet over), by user id; `after` is the last user id seen. */
  list(
    communityId: string,
    opts: { kind?: SanctionKind; now: number; limit: number; after?: string },
  ): Promise<SanctionRecord[]>;
}

export interface ReportsRepo {
  /**
   * Stores a report. A user reporting the same message again gets the first report back with created=false
   * (whatever its status); nothing new is stored.
   */
  create(r: ReportRecord): Promise<{ report: ReportRecord; created: boolean }>;
  byId(id: string): Promise<ReportRecord | undefined>;
  /** Oldest first; `after` is the id of the last report of the previous page. */
  list(
    communityId: string,
    opts: { status?: ReportStatus; limit: number; after?: string },
  ): Promise<ReportRecord[]>;
  /** Moves an open report to `status`; undefined (nothing written) when it was not open. */
  resolve(
    id: string,
    change: { status: ReportStatus; by: ActorRef; at: number; note: string },
    audit: AuditRecord,
  ): Promise<ReportRecord | undefined>;
}

export interface AuditRepo {
  append(entry: AuditRecord): Promise<void>;
  /** Newest first; `before` is the id of the last entry of the previous page. null community: platform entries. */
  list(communityId: string | null, opts: { limit: number; before?: string }): Promise<AuditRecord[]>;
}

export interface FiltersRepo {
  get(communityId: string): Promise<FilterSettingsRecord | undefined>;
  set(settings: FilterSettingsRecord, audit: AuditRecord): Promise<void>;
}
