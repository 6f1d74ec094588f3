/**
 * Room modes and moderation: the live frames (`mode`, `deleted`, `pinned`) and every HTTP body and view of
 * docs/moderation.md, as TypeBox schemas (each exported with its `Static` type). The server validates with
 * them and the OpenAPI document is generated from them.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ChatMessage } from './chat.ts';
import { AuthorRole, CommunityRole } from './roles.ts';
import { ModerationLimits } from './limits.ts';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Iso = Type.String({ format: 'date-time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Actor = Type.Object({ id: Type.String(), name: Type.String() });

// ---- room modes ----

export const RoomModeFields = {
  slowSeconds: Type.Integer({
    minimum: 0,
    maximum: ModerationLimits.slowMaxSeconds,
    description: `Seconds between two messages of one fan: 0 (off) or ${ModerationLimits.slowMinSeconds}-${ModerationLimits.slowMaxSeconds}`,
  }),
  membersOnly: Type.Boolean({ description: 'Only members and staff may send' }),
  emoteOnly: Type.Boolean({ description: 'Fan and member messages must be emoji only' }),
  uniqueChat: Type.Boolean({ description: 'A text identical to one sent in the last 30 s is refused' }),
  fanDelayMs: Type.Integer({
    minimum: 0,
    maximum: ModerationLimits.fanDelayMaxMs,
    description: 'Fan messages reach other fans this much later, so moderators can remove them first',
  }),
};

export const RoomMode = Type.Object({ room: Type.String(), ...RoomModeFields });
export type RoomMode = Static<typeof RoomMode>;

/** Server frame on every change and on join. */
export const ModeFrame = Type.Object({
  t: Type.Literal('mode'),
  room: Type.String(),
  ...RoomModeFields,
});
export type ModeFrame = Static<typeof ModeFrame>;

/** `PUT /api/rooms/:id/mode`: fields left out keep their value. */
export const PutRoomModeBody = Type.Partial(Type.Object(RoomModeFields));
export type PutRoomModeBody = Static<typeof PutRoomModeBody>;

// ---- deletions and pins ----

/** Server frame: these messages were deleted; remove them. */
export const DeletedFrame = Type.Object({
  t: Type.Literal('deleted'),
  room: Type.String(),
  mids: Type.Array(Type.String()),
});
export type DeletedFrame = Static<typeof DeletedFrame>;

/** Server frame: the room's pinned message changed (null: unpinned). */
export const PinnedFrame = Type.Object({
  t: Type.Literal('pinned'),
  room: Type.String(),
  message: Nullable(ChatMessage),
});
export type PinnedFrame = Static<typeof PinnedFrame>;

/**
 * Server frame to each connection of one person, on every gateway: their own role in a community changed, they
 * left it (null), or a ban on them there was lifted (the role they hold). Whether or not the connection is in a
 * room of that community: tools and gates follow the role without a reload.
 */
export const RoleFrame = Type.Object(
  {
    t: Type.Literal('role'),
    community: Type.String(),
    role: Nullable(CommunityRole),
  },
  {
    description:
      'Your role in a community is now `role` (null: you left it), after a role change, leaving, or a lifted ban; rooms you may no longer read arrive as `error` with `room`',
  },
);
export type RoleFrame = Static<typeof RoleFrame>;

export const PutPinBody = Type.Object({ mid: Nullable(Id) });
export type PutPinBody = Static<typeof PutPinBody>;

export const PinnedView = Type.Object({
  room: Type.String(),
  message: Nullable(ChatMessage),
  pinnedBy: Nullable(Actor),
  pinnedAt: Nullable(Iso),
});
export type PinnedView = Static<typeof PinnedView>;

export const DeletedView = Type.Object({
  room: Type.String(),
  mid: Type.String(),
  deletedBy: Actor,
  deletedAt: Iso,
});
export type DeletedView = Static<typeof DeletedView>;

// ---- timeouts and bans ----

const Reason = Type.String({
  maxLength: 1200,
  description: `At most ${ModerationLimits.reasonMaxChars} characters`,
});

export const TimeoutBody = Type.Object({
  userId: Id,
  seconds: Type.Integer({
    minimum: ModerationLimits.timeoutMinSeconds,
    maximum: ModerationLimits.timeoutMaxSeconds,
    description: '1 second to 2 weeks',
  }),
  reason: Type.Optional(Reason),
});
export type TimeoutBody = Static<typeof TimeoutBody>;

export const BanBody = Type.Object({ userId: Id, reason: Type.Optional(Reason) });
export type BanBody = Static<typeof BanBody>;

export const SanctionKind = Type.Union([Type.Literal('ban'), Type.Literal('timeout')]);
export type SanctionKind = Static<typeof SanctionKind>;

export const SanctionView = Type.Object({
  communityId: Type.String(),
  userId: Type.String(),
  name: Type.String(),
  displayName: Type.String(),
  kind: SanctionKind,
  /** Timeouts: when it ends; bans: null (until lifted). */
  until: Nullable(Iso),
  reason: Type.String(),
  by: Actor,
  at: Iso,
});
export type SanctionView = Static<typeof SanctionView>;

export const SanctionsPage = Type.Object({
  sanctions: Type.Array(SanctionView),
  next: Nullable(Type.String({ description: 'Pass as `after` for the next page' })),
});
export type SanctionsPage = Static<typeof SanctionsPage>;

// ---- reports and the review queue ----

export const ReportBody = Type.Object({
  mid: Id,
  reason: Type.String({
    minLength: 1,
    maxLength: 1200,
    description: `1 to ${ModerationLimits.reasonMaxChars} characters`,
  }),
});
export type ReportBody = Static<typeof ReportBody>;

/** `user`: a person reported a message; `held`: the filter or review hook held a message for review. */
export const ReportKind = Type.Union([Type.Literal('user'), Type.Literal('held')]);
export const ReportStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('resolved'),
  Type.Literal('dismissed'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
]);
export type ReportKind = Static<typeof ReportKind>;
export type ReportStatus = Static<typeof ReportStatus>;

/** The message as it was when reported or held (held ones have no position yet). */
export const ReportedMessage = Type.Object({
  id: Type.String(),
  cid: Type.String(),
  user: Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() }),
  role: AuthorRole,
  text: Type.String(),
  ts: Type.Integer(),
});
export type ReportedMessage = Static<typeof ReportedMessage>;

export const ReportView = Type.Object({
  id: Type.String(),
  communityId: Type.String(),
  room: Type.String(),
  kind: ReportKind,
  status: ReportStatus,
  message: ReportedMessage,
  /** null for held messages (the filter or review hook held them). */
  reporter: Nullable(Actor),
  reason: Type.String(),
  createdAt: Iso,
  resolvedBy: Nullable(Actor),
  resolvedAt: Nullable(Iso),
  note: Type.String(),
});
export type ReportView = Static<typeof ReportView>;

export const ReportsPage = Type.Object({
  reports: Type.Array(ReportView),
  next: Nullable(Type.String({ description: 'Pass as `after` for the next page' })),
});
export type ReportsPage = Static<typeof ReportsPage>;

export const ReportsQuery = Type.Object({
  status: Type.Optional(ReportStatus),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  after: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ReportsQuery = Static<typeof ReportsQuery>;

/** User reports are resolved or dismissed; held messages are approved (published) or rejected. */
export const ResolveReportBody = Type.Object({
  status: Type.Union([
    Type.Literal('resolved'),
    Type.Literal('dismissed'),
    Type.Literal('approved'),
    Type.Literal('rejected'),
  ]),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type ResolveReportBody = Static<typeof ResolveReportBody>;

// ---- audit log ----

/** Every action the audit log records. */
export const AUDIT_ACTIONS = [
  'mode.set',
  'message.delete',
  'pin.set',
  'pin.clear',
  'timeout.set',
  'timeout.lift',
  'ban.set',
  'ban.lift',
  'report.resolve',
  'role.set',
  'filter.set',
  'community.official',
  'user.creator',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEntry = Type.Object({
  id: Type.String(),
  communityId: Nullable(Type.String()),
  room: Nullable(Type.String()),
  actor: Actor,
  action: Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a))),
  targetUserId: Nullable(Type.String()),
  targetMessageId: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  at: Iso,
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Type.Object({
  entries: Type.Array(AuditEntry),
  next: Nullable(Type.String({ description: 'Pass as `before` for older entries' })),
});
export type AuditPage = Static<typeof AuditPage>;

// ---- word filter ----

export const FilterAction = Type.Union([Type.Literal('block'), Type.Literal('hold'), Type.Literal('mask')]);
export type FilterAction = Static<typeof FilterAction>;

/** `word`: the whole word; `part`: inside a word too; `anywhere`: across spaces and punctuation as well. */
export const FilterMatch = Type.Union([Type.Literal('word'), Type.Literal('part'), Type.Literal('anywhere')]);
export type FilterMatch = Static<typeof FilterMatch>;

export const FilterTerm = Type.Object({
  term: Type.String({ minLength: 1, maxLength: 200 }),
  action: FilterAction,
  match: Type.Optional(FilterMatch),
});
export type FilterTerm = Static<typeof FilterTerm>;

export const FilterSettings = Type.Object({
  /** What the built-in Korean, Japanese and English list does here (`off` disables it). */
  builtin: Type.Union([FilterAction, Type.Literal('off')]),
  terms: Type.Array(FilterTerm, { maxItems: ModerationLimits.filterTermsMax }),
  /** Words never filtered even when a term matches inside them (시발점, Scunthorpe). */
  allow: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    maxItems: ModerationLimits.filterAllowMax,
  }),
});
export type FilterSettings = Static<typeof FilterSettings>;

export const FilterCheckBody = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) });
export const FilterCheckView = Type.Object({
  action: Type.Union([FilterAction, Type.Literal('allow')]),
  matches: Type.Array(Type.Object({ term: Type.String(), start: Type.Integer(), end: Type.Integer() })),
  text: Type.String({ description: 'The text as it would be stored (masked when the action is mask)' }),
});
export type FilterCheckView = Static<typeof FilterCheckView>;
