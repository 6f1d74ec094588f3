/**
 * What a chat line needs beyond its message to offer the fandom parts (translation, mentions, moderation
 * actions): the room, its community and the viewer's role there. Provided once by the room screen, so the
 * memoised lines take no extra props.
 */
import { createContext } from 'preact';
import type { CommunityRole } from '@lightstick/protocol';

export interface LineContext {
  roomId: string;
  communityId: string;
  role: CommunityRole | null;
}

export const RoomLineContext = createContext<LineContext | null>(null);
