/**
 * One community: its rooms, a join button for visitors, a create-room form for staff, and for the owner (and
 * platform admins) the way to the members screen. The viewer's role follows the server's `role` frames live.
 */
import type { CommunityView, RoomAccess, RoomKind, RoomView } from '@lightstick/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { lang, t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { isStaff, RoleBadge } from '../ui/badges.tsx';
import { creationErrorText, errorText } from '../ui/errors.ts';
import { Page } from '../ui/page.tsx';
import { Suspense, lazy } from 'preact/compat';

// The lives list brings the live pages' words and styles: loaded with the community page, not the chat screen.
const LivesList = lazy(() => import('../live/lives-list.tsx').then((m) => m.LivesList));

export function CommunityScreen({ id }: { id: string }) {
  const { route } = useLocation();
  const [c, setC] = useState<CommunityView | null>(null);
  const [rooms, setRooms] = useState<RoomView[] | null>(null);
  const [error, setError] = useState('');
  // A refused room is told in its form: a quota's wait or limit in the fan's language.
  const [createError, setCreateError] = useState('');
  const fail = (err: unknown) => setError(errorText(err));

  // A `role` frame that came while the community was being read: the answer, read before it, would put the old
  // role back (the same answer-after-frame race as the live pages', live-merge.ts), so it is applied over it.
  // The page is keyed by the community's id (app.tsx), so what it heard is this community's.
  const heard = useRef<{ role: CommunityView['myRole'] } | undefined>(undefined);
  useEffect(() => {
    session.api
      .getCommunity(id)
      .then((view) => {
        const late = heard.current;
        setC(late ? { ...view, myRole: late.role } : view);
      })
      .catch(fail);
    session.api.listRooms(id).then(setRooms).catch(fail);
  }, [id]);
  const rt = session.rt.value;
  useEffect(
    () =>
      rt?.on('role', (e) => {
        if (e.community !== id) return;
        heard.current = { role: e.role };
        setC((cur) => cur && { ...cur, myRole: e.role });
      }),
    [rt, id],
  );
  const admin = session.user.value?.admin ?? false;

  const createRoom = (ev: Event) => {
    ev.preventDefault();
    setCreateError('');
    const data = new FormData(ev.currentTarget as HTMLFormElement);
    session.api
      .createRoom(id, {
        name: String(data.get('name') ?? '').trim(),
        kind: String(data.get('kind')) as RoomKind,
        access: String(data.get('access')) as RoomAccess,
      })
      .then((r) => route(`/r/${encodeURIComponent(r.id)}`))
      .catch((err: unknown) => setCreateError(creationErrorText(err, 'room')));
  };

  const back = (
    <a href="/" class="back">
      ← {t('nav.communities')}
    </a>
  );
  return (
    <Page title={c?.name ?? t('nav.communities')} before={back}>
      <div class="row">
        <span class="muted grow">{c ? c.description || `/${c.slug}` : ''}</span>
        {c?.myRole ? <RoleBadge role={c.myRole} /> : null}
        {c && !c.myRole ? (
          <button
            type="button"
            class="primary small"
            data-testid="join-community"
            onClick={() => void session.api.joinCommunity(id).then(setC).catch(fail)}
          >
            {t('communities.join')}
          </button>
        ) : null}
      </div>
      <p class="error" role="alert" data-testid="community-error">
        {error}
      </p>
      {c?.myRole ? (
        <Suspense fallback={null}>
          <LivesList
            api={session.api}
            rt={session.rt.value ?? session.realtime()}
            communityId={id}
            lang={lang.value}
            hrefFor={(l) => `/w/${encodeURIComponent(l.id)}`}
          />
        </Suspense>
      ) : null}
      {c && isStaff(c.myRole, admin) ? (
        <a class="button primary" href={`/studio/${encodeURIComponent(id)}`} data-testid="go-live">
          {t('live.goLive')}
        </a>
      ) : null}
      {c && (admin || c.myRole === 'owner') ? (
        <a class="button" href={`/c/${encodeURIComponent(id)}/members`} data-testid="members-link">
          {t('community.members')}
        </a>
      ) : null}
      <h2>{t('community.rooms')}</h2>
      <ul class="list" data-testid="room-list">
        {rooms === null ? <li class="muted">{t('communities.loading')}</li> : null}
        {rooms?.length === 0 ? <li class="muted">{t('community.noRooms')}</li> : null}
        {rooms?.map((r) => (
          <li class="row" key={r.id} data-testid="room-item" data-id={r.id} data-kind={r.kind}>
            <a href={`/r/${encodeURIComponent(r.id)}`} class="grow" data-testid="room-link">
              # {r.name}
            </a>
            {r.kind === 'live' ? <span class="tag live">{t('community.live')}</span> : null}
            {r.access === 'members' ? <span class="tag">{t('community.membersOnly')}</span> : null}
          </li>
        ))}
      </ul>
      {c && isStaff(c.myRole, admin) ? (
        <form class="card" data-testid="create-room-form" onSubmit={createRoom}>
          <h2>{t('community.newRoom')}</h2>
          <label class="field">
            {t('community.roomName')}
            <input name="name" required maxLength={60} data-testid="room-name" />
          </label>
          <label class="field">
            {t('community.kind')}
            <select name="kind" data-testid="room-kind">
              <option value="community">{t('community.kind.community')}</option>
              <option value="live">{t('community.kind.live')}</option>
            </select>
          </label>
          <label class="field">
            {t('community.access')}
            <select name="access" data-testid="room-access">
              <option value="public">{t('community.access.public')}</option>
              <option value="members">{t('community.access.members')}</option>
            </select>
          </label>
          <p class="error" role="alert" data-testid="create-room-error">
            {createError}
          </p>
          <button type="submit" class="primary" data-testid="create-room">
            {t('community.createRoom')}
          </button>
        </form>
      ) : null}
    </Page>
  );
}
