/**
 * A community's lives, in the order fans look for them: live now first, then scheduled, then past. Kept
 * current by the `live` frames this connection gets (any joined room of the community) and by reading the
 * list again every `pollMs`, since a page that joined none of the community's rooms gets no frames.
 * Mount it with plain props; it depends on no shell.
 */
import type { LiveView } from '@lightstick/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ensureLiveStyles } from './live-styles.ts';
import { errorText, type Api, type Realtime } from './live-hooks.ts';
import { formatTime, orderLives } from './live-labels.ts';
import { mergeLiveList, upsertLive } from './live-merge.ts';
import { stringsFor, type LiveStrings } from './strings.ts';

export const LIVES_POLL_MS = 20_000;

export interface LivesListProps {
  api: Api;
  rt: Realtime;
  communityId: string;
  /** The link of a live (its watch page). */
  hrefFor: (live: LiveView) => string;
  lang?: string;
  /** How often the list is read again; 0: never. Default LIVES_POLL_MS. */
  pollMs?: number;
}

export function LivesList({ api, rt, communityId, hrefFor, lang, pollMs = LIVES_POLL_MS }: LivesListProps) {
  ensureLiveStyles();
  const s = stringsFor(lang);
  const [lives, setLives] = useState<LiveView[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let gone = false;
    const load = () =>
      api.listLives(communityId).then(
        (l) => {
          if (gone) return;
          setError('');
          setLives((prev) => mergeLiveList(prev, l));
        },
        (err: unknown) => !gone && setError(errorText(err, s.somethingWrong)),
      );
    void load();
    const timer = pollMs > 0 ? setInterval(() => void load(), pollMs) : undefined;
    const offs = [
      rt.on('live', ({ live }) => {
        if (live.communityId !== communityId) return;
        setLives((prev) => upsertLive(prev, live));
      }),
      rt.on('authed', (e) => e.first && void load()),
    ];
    return () => {
      gone = true;
      clearInterval(timer);
      for (const off of offs) off();
    };
  }, [api, rt, communityId, pollMs, s]);

  return (
    <section data-testid="lives">
      <h2>{s.livesHeading}</h2>
      <p class="ls-error" role="alert">
        {error}
      </p>
      <ul class="ls-lives" data-testid="live-list">
        {lives === null ? (
          <li class="ls-note">{s.loading}</li>
        ) : lives.length === 0 ? (
          <li class="ls-note">{s.noLives}</li>
        ) : (
          orderLives(lives).map((l) => <LiveItem key={l.id} live={l} href={hrefFor(l)} s={s} />)
        )}
      </ul>
    </section>
  );
}

function LiveItem({ live, href, s }: { live: LiveView; href: string; s: LiveStrings }) {
  const when =
    live.state === 'ended'
      ? formatTime(live.endedAt, s.code)
      : live.state === 'scheduled'
        ? formatTime(live.scheduledAt, s.code)
        : formatTime(live.startedAt, s.code);
  return (
    <li data-testid="live-item" data-id={live.id} data-state={live.state}>
      <a href={href} data-testid="live-link">
        {live.title}
      </a>
      {live.access === 'members' && <span class="tag">{s.membersTag}</span>}
      {when && <span class="ls-when">{when}</span>}
      <span class="ls-state" data-state={live.state}>
        {s.state[live.state]}
      </span>
    </li>
  );
}
