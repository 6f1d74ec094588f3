/** The communities list: search it, open one, join one, or start a new one (the creator becomes its owner). */
import type { CommunityView } from '@lightstick/protocol';
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { RoleBadge } from '../ui/badges.tsx';
import { creationErrorText, errorText } from '../ui/errors.ts';
import { Page } from '../ui/page.tsx';

/** The server's community rules (packages/server/src/chat/community-validation.ts), checked early in the form. */
const SLUG_MIN = 2;
const SLUG_MAX = 40;
const NAME_MAX = 60;
/** The slug rule as an HTML pattern: Chromium compiles `pattern` with the `v` flag, so `-` is escaped. */
const SLUG_PATTERN = '[a-z0-9](?:[a-z0-9\\-]*[a-z0-9])?';

export function CommunitiesScreen() {
  const { route } = useLocation();
  const [items, setItems] = useState<CommunityView[] | null>(null);
  const [error, setError] = useState('');
  // A refused creation is told in the form, next to the button: a quota's wait or limit in the fan's language.
  const [createError, setCreateError] = useState('');
  const [q, setQ] = useState('');

  useEffect(() => {
    session.api
      .listCommunities()
      .then(setItems)
      .catch((err: unknown) => setError(errorText(err)));
  }, []);

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

  const needle = q.trim().toLowerCase();
  const shown = (items ?? []).filter(
    (c) => !needle || `${c.name} ${c.slug} ${c.description}`.toLowerCase().includes(needle),
  );

  return (
    <Page title={t('communities.title')}>
      <label class="field search">
        <span class="sr-only">{t('communities.search')}</span>
        <input
          type="search"
          placeholder={t('communities.search')}
          data-testid="community-search"
          value={q}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <p class="error" role="alert" data-testid="community-error">
        {error}
      </p>
      <ul class="list" data-testid="community-list" aria-busy={items === null}>
        {items === null ? <li class="muted">{t('communities.loading')}</li> : null}
        {items?.length === 0 ? <li class="muted">{t('communities.empty')}</li> : null}
        {items?.length && !shown.length ? <li class="muted">{t('communities.noMatch', { q })}</li> : null}
        {shown.map((c) => (
          <li class="row" key={c.id} data-testid="community-item" data-id={c.id} data-slug={c.slug}>
            <a href={`/c/${encodeURIComponent(c.id)}`} class="grow" data-testid="community-link">
              <strong>{c.name}</strong> <span class="muted">/{c.slug}</span>
              {c.official ? <span class="tag">{t('communities.official')}</span> : null}
              {c.fanMade ? <span class="tag">{t('communities.fanMade')}</span> : null}
              {c.description ? <span class="desc">{c.description}</span> : null}
            </a>
            {c.myRole ? (
              <RoleBadge role={c.myRole} />
            ) : (
              <button
                type="button"
                class="primary small"
                data-testid="join-community"
                aria-label={t('communities.joinNamed', { name: c.name })}
                onClick={() => void join(c)}
              >
                {t('communities.join')}
              </button>
            )}
          </li>
        ))}
      </ul>
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
