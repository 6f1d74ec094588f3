/**
 * The communities list: search it (on the server, by name or slug), see where fans are and where lives are on
 * air, open one, join one, or start a new one (the creator becomes its owner).
 */
import { SearchLimits, type CommunityList, type CommunityView } from '@lightstick/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { creationErrorText, errorText } from '../ui/errors.ts';
import { Page } from '../ui/page.tsx';
import { CommunityItem } from './community-item.tsx';

/** The server's community rules (packages/server/src/chat/community-validation.ts), checked early in the form. */
const SLUG_MIN = 2;
const SLUG_MAX = 40;
const NAME_MAX = 60;
/** The slug rule as an HTML pattern: Chromium compiles `pattern` with the `v` flag, so `-` is escaped. */
const SLUG_PATTERN = '[a-z0-9](?:[a-z0-9\\-]*[a-z0-9])?';
/** Typing waits this long for a pause before it asks the server, so a word is one request, not one a key. */
const SEARCH_PAUSE_MS = 250;

/** What the list shows: the pages loaded so far for one search (`q` blank: every community). */
interface Shown {
  q: string;
  items: CommunityView[];
  next: string | null;
}

export function CommunitiesScreen() {
  const { route } = useLocation();
  const [shown, setShown] = useState<Shown | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState('');
  // A refused creation is told in the form, next to the button: a quota's wait or limit in the fan's language.
  const [createError, setCreateError] = useState('');
  const [q, setQ] = useState('');
  // Only the newest request may change the list: an answer to an older search arriving late is dropped.
  const asked = useRef(0);
  const first = useRef(true);

  const load = (query: string, after?: string) => {
    const n = ++asked.current;
    setBusy(true);
    session.api
      .findCommunities({ ...(query ? { q: query } : {}), ...(after !== undefined ? { after } : {}) })
      .then((page: CommunityList) => {
        if (n !== asked.current) return;
        setError('');
        setShown((cur) => ({
          q: query,
          items: after !== undefined && cur ? [...cur.items, ...page.communities] : page.communities,
          next: page.next,
        }));
      })
      .catch((err: unknown) => n === asked.current && setError(errorText(err)))
      .finally(() => n === asked.current && setBusy(false));
  };

  useEffect(() => {
    const query = q.trim();
    const wait = first.current ? 0 : SEARCH_PAUSE_MS;
    first.current = false;
    const timer = setTimeout(() => load(query), wait);
    return () => clearTimeout(timer);
  }, [q]);

  const join = (c: CommunityView) =>
    session.api
      .joinCommunity(c.id)
      .then(() => route(`/c/${encodeURIComponent(c.id)}`))
      .catch((err: unknown) => setError(errorText(err)));

  const create = (ev: Event) => {
    ev.preventDefault();
    setCreateError('');
    const data = new FormData(ev.currentTarget as HTMLFormElement);
    const description = String(data.get('description') ?? '').trim();
    session.api
      .createCommunity({
        name: String(data.get('name') ?? '').trim(),
        slug: String(data.get('slug') ?? '').trim(),
        ...(description ? { description } : {}),
      })
      .then((c) => route(`/c/${encodeURIComponent(c.id)}`))
      .catch((err: unknown) => setCreateError(creationErrorText(err, 'community')));
  };

  const items = shown?.items ?? [];
  return (
    <Page title={t('communities.title')}>
      <label class="field search">
        <span class="sr-only">{t('communities.search')}</span>
        <input
          type="search"
          placeholder={t('communities.search')}
          data-testid="community-search"
          maxLength={SearchLimits.queryMaxChars}
          value={q}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <p class="error" role="alert" data-testid="community-error">
        {error}
      </p>
      <ul class="list" data-testid="community-list" aria-busy={busy} data-q={shown?.q ?? ''}>
        {shown === null ? <li class="muted">{t('communities.loading')}</li> : null}
        {shown && !items.length && !shown.q ? <li class="muted">{t('communities.empty')}</li> : null}
        {shown && !items.length && shown.q ? (
          <li class="muted">{t('communities.noMatch', { q: shown.q })}</li>
        ) : null}
        {items.map((c) => (
          <CommunityItem key={c.id} c={c} onJoin={(c) => void join(c)} />
        ))}
      </ul>
      {shown?.next ? (
        <button
          type="button"
          class="more"
          data-testid="more-communities"
          disabled={busy}
          onClick={() => load(shown.q, shown.next ?? undefined)}
        >
          {busy ? t('communities.searching') : t('communities.more')}
        </button>
      ) : null}
      <form class="card" data-testid="create-community-form" onSubmit={create}>
        <h2>{t('communities.create')}</h2>
        <label class="field">
          {t('communities.name')}
          <input name="name" required maxLength={NAME_MAX} data-testid="community-name" />
        </label>
        <label class="field">
          {t('communities.slug')}
          <input
            name="slug"
            required
            pattern={SLUG_PATTERN}
            minLength={SLUG_MIN}
            maxLength={SLUG_MAX}
            autocapitalize="none"
            aria-describedby="slug-hint"
            data-testid="community-slug"
          />
          <small id="slug-hint" class="muted">
            {t('communities.slugHint')}
          </small>
        </label>
        <label class="field">
          {t('communities.description')}
          <input name="description" data-testid="community-description" />
        </label>
        <p class="error" role="alert" data-testid="create-community-error">
          {createError}
        </p>
        <button type="submit" class="primary" data-testid="create-community">
          {t('communities.createButton')}
        </button>
      </form>
    </Page>
  );
}
