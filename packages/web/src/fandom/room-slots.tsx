/**
 * Puts the fandom components into the room screen's slots (room/slots.ts): the viewer count in the heading
 * row, hearts over the list, the room modes in words and the artist spotlight above the chat, the moderator
 * panel beside it. Imported once by main.tsx; the room screen itself knows none of them.
 */
import { Suspense, lazy } from 'preact/compat';
import { registerRoomSlot, type RoomContext } from '../room/slots.ts';
import { lang } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { ViewerCount } from './viewer-count.tsx';

function Header({ room, rt }: RoomContext) {
  return rt ? <ViewerCount rt={rt} room={room.id} lang={lang.value} /> : null;
}

// The hearts button and its animation load just after the chat, like the parts above it.
const Hearts = lazy(() => import('./hearts.tsx').then((m) => m.Hearts));

function Overlay({ room, rt }: RoomContext) {
  return rt ? (
    <Suspense fallback={null}>
      <Hearts rt={rt} room={room.id} lang={lang.value} />
    </Suspense>
  ) : null;
}

// The modes in words and the spotlight load just after the chat: the chat screen's first load stays small.
const TopParts = lazy(() => import('./room-top.tsx').then((m) => m.RoomTop));

function Top(ctx: RoomContext) {
  return (
    <Suspense fallback={null}>
      <TopParts {...ctx} />
    </Suspense>
  );
}

// Only staff see the moderator panel: it loads when a staff member opens a room, not with every fan's chat.
const ModeratorPanel = lazy(() => import('./moderator-panel.tsx').then((m) => m.ModeratorPanel));
const STAFF = new Set(['moderator', 'owner', 'admin']);

function Panel({ room, community, rt }: RoomContext) {
  const role = session.user.value?.admin ? 'admin' : (community?.myRole ?? null);
  if (!rt || role === null || !STAFF.has(role)) return null;
  return (
    <Suspense fallback={null}>
      <ModeratorPanel
        api={session.api}
        rt={rt}
        room={room.id}
        community={room.communityId}
        role={role}
        lang={lang.value}
      />
    </Suspense>
  );
}

registerRoomSlot('header', Header);
registerRoomSlot('overlay', Overlay);
registerRoomSlot('top', Top);
registerRoomSlot('panel', Panel);
