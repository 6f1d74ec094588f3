/** Roles: of a user in a community, and of an author at the time of a message. */
import type { Static } from '@sinclair/typebox';
import { StringEnum } from './kit.ts';

export const COMMUNITY_ROLES = ['owner', 'artist', 'moderator', 'member', 'fan'] as const;
/** `member` is the paid membership that members-only rooms require; moderator, artist and owner are staff. */
export const CommunityRole = StringEnum(COMMUNITY_ROLES);
export type CommunityRole = Static<typeof CommunityRole>;

/** Role of an author at the time of a message; `admin` and `system` are platform-wide. */
export const AuthorRole = StringEnum([...COMMUNITY_ROLES, 'admin', 'system']);
export type AuthorRole = Static<typeof AuthorRole>;
