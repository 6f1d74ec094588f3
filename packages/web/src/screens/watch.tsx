/**
 * The live watch page (/w/:id): the live components (src/live/) in the app's frame, with the live's room as
 * the chat beside the video (under it on a phone). The live components carry their own heading and words; the
 * language follows the app's switch.
 */
import { useEffect } from 'preact/hooks';
import { WatchPage } from '../live/index.ts';
import { lang, t } from '../i18n/i18n.ts';
import { RoomScreen } from '../room/room-screen.tsx';
import { session } from '../state/session.ts';

export function WatchScreen({ id }: { id: string }) {
  const rt = session.rt.value ?? session.realtime();
  useEffect(() => {
    document.title = `${t('live.watchTitle')} · ${t('app.name')}`;
  }, [lang.value]);
  return (
    <main id="main" class="page watch" data-testid="watch">
      <WatchPage
        api={session.api}
        rt={rt}
        liveId={id}
        lang={lang.value}
        chat={(live) => <RoomScreen id={live.roomId} embedded />}
      />
    </main>
  );
}
