/**
 * One community in the communities list: its name and marks, how many joined it and, when lives are on air
 * there now, a LIVE mark with their count, so a fan sees where the action is; then join or the fan's role.
 */
import type { CommunityView } from '@lightstick/protocol';
import { formatCount, t } from '../i18n/i18n.ts';
import { RoleBadge } from '../ui/badges.tsx';

export function CommunityItem({ c, onJoin }: { c: CommunityView; onJoin: (c: CommunityView) => void }) {
  const members =
    c.memberCount === 1
      ? t('communities.membersOne')
      : t('communities.members', { n: formatCount(c.memberCount) });
  const live =
    c.liveCount === 1
      ? t('communities.liveNowOne')
      : t('communities.liveNow', { n: formatCount(c.liveCount) });
  return (
    <li class="row" data-testid="community-item" data-id={c.id} data-slug={c.slug}>
      <a href={`/c/${encodeURIComponent(c.id)}`} class="grow" data-testid="community-link">
        <strong>{c.name}</strong> <span class="muted">/{c.slug}</span>
        {c.official ? <span class="tag">{t('communities.official')}</span> : null}
        {c.fanMade ? <span class="tag">{t('communities.fanMade')}</span> : null}
        {c.description ? <span class="desc">{c.description}</span> : null}
        <span class="counts">
          <span class="muted" data-testid="community-members" data-count={c.memberCount}>
            {members}
          </span>
          {c.liveCount > 0 ? (
            <span class="tag live" data-testid="community-live" data-count={c.liveCount}>
              {/* "LIVE 2" for the eye; the whole sentence for a screen reader. */}
              <span aria-hidden="true">
                {t('community.live')} {formatCount(c.liveCount)}
              </span>
              <span class="sr-only">{live}</span>
            </span>
          ) : null}
        </span>
      </a>
      {c.myRole ? (
        <RoleBadge role={c.myRole} />
      ) : (
        <button
          type="button"
          class="primary small"
          data-testid="join-community"
          aria-label={t('communities.joinNamed', { name: c.name })}
          onClick={() => onJoin(c)}
        >
          {t('communities.join')}
        </button>
      )}
    </li>
  );
}
