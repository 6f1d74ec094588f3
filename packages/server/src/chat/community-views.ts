/** Records -> the JSON views of the protocol's HTTP shapes (times as ISO text). */
import type { CommunityRole, CommunityView, MemberView, RoomView } from '@lightstick/protocol';
import type {
  CommunityCounts,
  CommunityRecord,
  MembershipRecord,
  RoomRecord,
  UserRecord,
} from '../storage/repositories.ts';

export type { MemberView };

const iso = (ms: number) => new Date(ms).toISOString();

/** The counts of `id` in what CommunitiesRepo.counts answered (zero when absent). */
export const countsIn = (counts: Map<string, CommunityCounts>, id: string): CommunityCounts =>
  counts.get(id) ?? { members: 0, live: 0 };

/** `counts` is required so that no answer forgets them (CommunitiesRepo.counts reads them, a page at once). */
export function toCommunityView(
  c: CommunityRecord,
  myRole: CommunityRole | null,
  counts: CommunityCounts,
): CommunityView {
  return {
    id: c.id,
    slug: c.slug,
    name: c.name,
    description: c.description,
    createdAt: iso(c.createdAt),
    myRole,
    official: c.official,
    fanMade: c.fanMade,
    memberCount: counts.members,
    liveCount: counts.live,
  };
}

export function toRoomView(r: RoomRecord): RoomView {
  return {
    id: r.id,
    communityId: r.communityId,
    name: r.name,
    kind: r.kind,
    access: r.access,
    createdAt: iso(r.createdAt),
  };
}

export function toMemberView(m: MembershipRecord, user: UserRecord | undefined): MemberView {
  return {
    userId: m.userId,
    name: user?.name ?? '',
    displayName: user?.displayName ?? '',
    role: m.role,
    joinedAt: iso(m.joinedAt),
  };
}
