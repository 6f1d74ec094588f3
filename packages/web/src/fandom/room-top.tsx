/** Above the chat: the room's modes and limits in words, and the artist spotlight (loaded on demand). */
import { artistOnly, roomRefusal, type RoomContext } from '../room/slots.ts';
import { lang } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { ModeBanner } from './mode-banner.tsx';
import { Spotlight } from './spotlight.tsx';

export function RoomTop({ room, rt }: RoomContext) {
  if (!rt) return null;
  const refusal = roomRefusal.value?.room === room.id ? roomRefusal.value : null;
  const user = session.user.value;
  return (
    <>
      <ModeBanner api={session.api} rt={rt} room={room.id} lang={lang.value} refusal={refusal} />
      <Spotlight
        api={session.api}
        rt={rt}
        room={room.id}
        lang={lang.value}
        me={{ id: user?.id, name: user?.name }}
        onArtistOnlyChange={(on) => (artistOnly.value = on)}
      />
    </>
  );
}
