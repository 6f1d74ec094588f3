/**
 * The creator page (/studio/:communityId and /studio/:communityId/:liveId): create a live, see its ingest URL
 * and key, rotate the key, end it, watch its state (src/live/creator-page.tsx) in the app's frame.
 */
import { useEffect } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { CreatorPage } from '../live/index.ts';
import { lang, t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';

export function StudioScreen({ communityId, liveId }: { communityId: string; liveId?: string }) {
  const { route } = useLocation();
  const rt = session.rt.value ?? session.realtime();
  useEffect(() => {
    document.title = `${t('live.studioTitle')} · ${t('app.name')}`;
  }, [lang.value]);
  return (
    <main id="main" class="page studio" data-testid="studio">
      <a class="back" href={`/c/${encodeURIComponent(communityId)}`}>
        ← {t('nav.back')}
      </a>
      <CreatorPage
        api={session.api}
        rt={rt}
        communityId={communityId}
        {...(liveId ? { liveId } : {})}
        lang={lang.value}
        onCreated={(l) => route(`/studio/${encodeURIComponent(communityId)}/${encodeURIComponent(l.id)}`)}
        watchHref={(l) => `/w/${encodeURIComponent(l.id)}`}
      />
    </main>
  );
}
