/**
 * The owner's screen for making artists and moderators (issue 11 part 1), at /c/:id/members: the community's
 * members page by page (the list route's `next`), found by the start of a username (its `q`), each with a role
 * picker for the owner and platform admins. Every result is said in words, in the row and once more in a live
 * region for screen readers; a refusal re-reads the viewer's own role, so a screen left open after the viewer
 * stopped being the owner turns read-only. Loaded on demand: nothing of it is in the chat screen's bundle.
 */
import type { CommunityView, MemberView } from '@lightstick/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { lang } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { Page } from '../ui/page.tsx';
import { listMembers } from './members-api.ts';
import { MemberRow, type Outcome } from './member-row.tsx';
import { ensureMembersStyles } from './members-styles.ts';
import { refusalReason, t, type Lang } from './strings.ts';

export function MembersScreen({ id }: { id: string }) {
  const lng = lang.value as Lang;
  const [community, setCommunity] = useState<CommunityView | null>(null);
  const [members, setMembers] = useState<MemberView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const [listError, setListError] = useState('');
  const [said, setSaid] = useState<Outcome | null>(null);
  /** Answers to an older search or page that come back late are dropped. */
  const request = useRef(0);
  const user = session.user.value;
  const admin = user?.admin ?? false;
  const editable = admin || community?.myRole === 'owner';

  ensureMembersStyles();

  const readCommunity = () =>
    session.api
      .getCommunity(id)
      .then(setCommunity)
      .catch(() => undefined); // the list's own answer says what is wrong

  const load = (after: string | null) => {
    const mine = ++request.current;
    setBusy(true);
    setListError('');
    listMembers(session.api, id, { q: query, after })
      .then((page) => {
        if (mine !== request.current) return;
        setMembers((shown) => (after && shown ? [...shown, ...page.members] : page.members));
        setNext(page.next);
      })
      .catch((err: unknown) => {
        if (mine !== request.current) return;
        setListError(t(lng, 'listRefused', { reason: refusalReason(err, lng, true) }));
        if (!after) setMembers([]);
      })
      .finally(() => mine === request.current && setBusy(false));
  };

  useEffect(() => void readCommunity(), [id]);
  useEffect(() => load(null), [id, query]);

  const search = (ev: Event) => {
    ev.preventDefault();
    setQuery(typed.trim());
  };
  const showAll = () => {
    setTyped('');
    setQuery('');
  };

  const title = community ? t(lng, 'title', { community: community.name }) : t(lng, 'titlePlain');
  const back = (
    <a class="back" href={`/c/${encodeURIComponent(id)}`} data-testid="members-back">
      ← {community?.name ?? ''}
    </a>
  );
  return (
    <Page title={title} testid="members-screen" before={back}>
      <p class="muted">{t(lng, editable ? 'intro' : 'readOnly')}</p>
      <form role="search" class="ms-search" onSubmit={search}>
        <label for="member-search">{t(lng, 'search')}</label>
        <div class="ms-search-row">
          <input
            id="member-search"
            type="search"
            autocapitalize="none"
            maxLength={64}
            value={typed}
            data-testid="member-search"
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
          <button type="submit" data-testid="member-search-submit">
            {t(lng, 'searchButton')}
          </button>
          {query ? (
            <button type="button" class="link" onClick={showAll} data-testid="member-search-clear">
              {t(lng, 'showAll')}
            </button>
          ) : null}
        </div>
      </form>
      <p class="error" role="alert" data-testid="members-error">
        {listError}
      </p>
      {/* One live region for every row's result, present before it fills so screen readers hear it. */}
      <p class="sr-only" role="status" data-testid="members-status">
        {said?.ok ? said.text : ''}
      </p>
      <p class="sr-only" role="alert" data-testid="members-alert">
        {said && !said.ok ? said.text : ''}
      </p>
      <ul class="list ms-list" data-testid="member-list" aria-busy={busy}>
        {members === null ? <li class="muted">{t(lng, 'loading')}</li> : null}
        {members?.length === 0 && !listError ? (
          <li class="muted">{query ? t(lng, 'noMatch', { q: query }) : t(lng, 'empty')}</li>
        ) : null}
        {members?.map((m) => (
          <MemberRow
            key={m.userId}
            api={session.api}
            community={id}
            member={m}
            lang={lng}
            editable={editable}
            admin={admin}
            me={m.userId === user?.id}
            onDone={(updated, outcome) => {
              setMembers((list) => list?.map((x) => (x.userId === updated.userId ? updated : x)) ?? null);
              setSaid(outcome);
            }}
            onRefused={(outcome) => {
              setSaid(outcome);
              void readCommunity();
            }}
          />
        ))}
      </ul>
      {next ? (
        <button type="button" disabled={busy} onClick={() => load(next)} data-testid="members-more">
          {t(lng, 'more')}
        </button>
      ) : null}
    </Page>
  );
}
