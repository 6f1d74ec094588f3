/**
 * The moderator panel's bans and timeouts in force (`GET /api/communities/:id/sanctions`), each lifted in one
 * click (`DELETE .../bans/:userId` or `.../timeouts/:userId`): an unbanned fan gets the community's rooms back
 * at once (the server tells them their role, and the room loads again).
 */
import type { ApiClient } from '@lightstick/client';
import type { SanctionView, SanctionsPage } from '@lightstick/protocol';
import { useEffect, useState } from 'preact/hooks';
import { st } from './sanction-strings.ts';
import { t, type Lang } from './strings.ts';

const enc = encodeURIComponent;

export function SanctionsTab({ api, community, lang }: { api: ApiClient; community: string; lang: Lang }) {
  const [items, setItems] = useState<SanctionView[] | null>(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const fail = (err: unknown) => setError(err instanceof Error ? err.message : String(err));
  const load = () => {
    setError('');
    api
      .call<SanctionsPage>('GET', `/api/communities/${enc(community)}/sanctions?limit=100`)
      .then((p) => setItems(p.sanctions), fail);
  };
  useEffect(load, [api, community]);

  const lift = (s: SanctionView) => {
    setError('');
    setDone('');
    const kind = s.kind === 'ban' ? 'bans' : 'timeouts';
    api.call('DELETE', `/api/communities/${enc(community)}/${kind}/${enc(s.userId)}`).then(() => {
      setItems((list) => list?.filter((x) => x !== s) ?? null);
      setDone(st(lang, 'lifted', { name: s.displayName || s.name }));
    }, fail);
  };

  return (
    <div data-testid="fd-sanctions">
      <button type="button" class="link" onClick={load}>
        {t(lang, 'mod.refresh')}
      </button>
      {error ? (
        <p class="error" role="alert" data-testid="fd-mod-error">
          {error}
        </p>
      ) : null}
      <p class="fd-action-ok" role="status" data-testid="fd-sanction-result">
        {done}
      </p>
      {items?.length === 0 && <p class="notice">{st(lang, 'empty')}</p>}
      <ol class="fd-report-list">
        {items?.map((s) => (
          <li key={`${s.kind}:${s.userId}`} data-testid="fd-sanction" data-user={s.userId} data-kind={s.kind}>
            <p>
              <span class="author">{s.displayName || s.name}</span>{' '}
              {s.kind === 'ban'
                ? st(lang, 'banned', { by: s.by.name })
                : st(lang, 'timedOut', {
                    by: s.by.name,
                    time: new Date(s.until ?? s.at).toLocaleTimeString(lang),
                  })}
              {s.reason ? `: ${s.reason}` : ''}
            </p>
            <button type="button" data-testid="fd-lift" onClick={() => lift(s)}>
              {st(lang, s.kind === 'ban' ? 'unban' : 'endTimeout')}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
