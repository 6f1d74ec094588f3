/** Shapes of the HTTP API that the client SDK and web app read (full spec: /api/openapi.json). */
import type { ChatMessage, CommunityRole } from './frames.ts';

export interface UserView {
  id: string;
  name: string;
  displayName: string;
  admin: boolean;
  createdAt: string;
}
export interface TokenPair {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
}
export interface AuthResponse extends TokenPair {
  user: UserView;
}
export interface CommunityView {
  id: string;
  slug: string;
  name: string;
  description: string;
  createdAt: string;
  /** The caller's role, or null when not joined. */
  myRole: CommunityRole | null;
}
export type RoomKind = 'community' | 'live';
export type RoomAccess = 'public' | 'members';
export interface RoomView {
  id: string;
  communityId: string;
  name: string;
  kind: RoomKind;
  access: RoomAccess;
  createdAt: string;
}
export interface MessagePage {
  messages: ChatMessage[];
  /** Pass as `before` for the older page; null at the beginning. */
  prevCursor: number | null;
  /** Pass as `after` for the newer page; null at the end. */
  nextCursor: number | null;
}
export interface HttpError {
  error: { code: string; message: string; details?: unknown };
}
