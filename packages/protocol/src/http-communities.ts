/** HTTP shapes of communities, memberships and a community's rooms (docs/http-api.md). */
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, StringEnum } from './kit.ts';
import { PageLimits, SearchLimits } from './limits.ts';
import { COMMUNITY_ROLES, CommunityRole } from './roles.ts';

/** Ids are opaque text; an unknown one answers not_found. */
export const ResourceId = Type.String({ minLength: 1, maxLength: 64 });
export const IdParams = Type.Object({ id: ResourceId });
export type IdParams = Static<typeof IdParams>;
export const MemberParams = Type.Object({ id: ResourceId, userId: ResourceId });
export type MemberParams = Static<typeof MemberParams>;
/** Two ids in the path: a parent (`id`) and a child (`mid`, `reportId` ...). */
export const ChildParams = <K extends string>(child: K) =>
  Type.Object({ id: ResourceId, [child]: ResourceId } as { id: typeof ResourceId } & Record<
    K,
    typeof ResourceId
  >);

/** Query of the listings paged by an opaque `after` cursor. */
export const PageQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: PageLimits.listMax, default: PageLimits.listDefault }),
  ),
  after: Type.Optional(Type.String({ maxLength: 64, description: 'The `next` of the previous page' })),
});
export type PageQuery = Static<typeof PageQuery>;

/** Query of the member list: a page, of every member or of those whose username starts with `q`. */
export const MembersQuery = Type.Composite([
  PageQuery,
  Type.Object({
    q: Type.Optional(
      Type.String({
        maxLength: SearchLimits.queryMaxChars,
        description: 'Only members whose username starts with this (any letter case; blank: everyone)',
      }),
    ),
  }),
]);
export type MembersQuery = Static<typeof MembersQuery>;

/** Query of the community list: a page, of every community or of those whose name or slug contains `q`. */
export const CommunitiesQuery = Type.Composite([
  PageQuery,
  Type.Object({
    q: Type.Optional(
      Type.String({
        maxLength: SearchLimits.queryMaxChars,
        description: 'Only communities whose name or slug contains this (any letter case; blank: all)',
      }),
    ),
  }),
]);
export type CommunitiesQuery = Static<typeof CommunitiesQuery>;
const NextCursor = Nullable(Type.String(), { description: 'Pass as `after` for the next page' });

export const CommunityView = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  createdAt: IsoTime(),
  myRole: Nullable(CommunityRole, { description: "The caller's role, or null when not joined" }),
  official: Type.Boolean({ description: 'Verified by a platform admin: show the official mark' }),
  fanMade: Type.Boolean({ description: 'Made by a fan (not a creator account): label it as fan-made' }),
  memberCount: Type.Integer({ minimum: 0, description: 'People who joined it, whatever their role' }),
  liveCount: Type.Integer({
    minimum: 0,
    description:
      'Its lives on air now: state `live` or `reconnecting` (scheduled and ended ones not counted)',
  }),
});
export type CommunityView = Static<typeof CommunityView>;

export const ROOM_KINDS = ['community', 'live'] as const;
export const RoomKind = StringEnum(ROOM_KINDS);
export type RoomKind = Static<typeof RoomKind>;
export const ROOM_ACCESS = ['public', 'members'] as const;
export const RoomAccess = StringEnum(ROOM_ACCESS);
export type RoomAccess = Static<typeof RoomAccess>;

export const RoomView = Type.Object({
  id: Type.String(),
  communityId: Type.String(),
  name: Type.String(),
  kind: RoomKind,
  access: RoomAccess,
  createdAt: IsoTime(),
});
export type RoomView = Static<typeof RoomView>;

/** A community member as moderators see it. */
export const MemberView = Type.Object({
  userId: Type.String(),
  name: Type.String(),
  displayName: Type.String(),
  role: CommunityRole,
  joinedAt: IsoTime(),
});
export type MemberView = Static<typeof MemberView>;

export const CommunityList = Type.Object({ communities: Type.Array(CommunityView), next: NextCursor });
export type CommunityList = Static<typeof CommunityList>;
export const RoomList = Type.Object({ rooms: Type.Array(RoomView) });
export type RoomList = Static<typeof RoomList>;
export const MemberList = Type.Object({ members: Type.Array(MemberView), next: NextCursor });
export type MemberList = Static<typeof MemberList>;

export const CreateCommunityBody = Type.Object({
  slug: Type.String({ maxLength: 64, description: '2-40 of a-z, 0-9 and -' }),
  name: Type.String({ maxLength: 1024, description: '1-60 characters, any script' }),
  description: Type.Optional(Type.String({ maxLength: 8192, description: 'At most 500 characters' })),
});
export type CreateCommunityBody = Static<typeof CreateCommunityBody>;

export const CreateRoomBody = Type.Object({
  name: Type.String({ maxLength: 1024, description: '1-60 characters' }),
  kind: Type.Optional(StringEnum(ROOM_KINDS, { default: 'live' })),
  access: Type.Optional(StringEnum(ROOM_ACCESS, { default: 'public' })),
});
export type CreateRoomBody = Static<typeof CreateRoomBody>;

export const SetRoleBody = Type.Object({ role: StringEnum(COMMUNITY_ROLES) });
export type SetRoleBody = Static<typeof SetRoleBody>;
