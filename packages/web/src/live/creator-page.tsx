/**
 * The creator page of a community's staff: create a live (title, who may watch, an optional time), then run
 * it: the ingest URL and stream key to copy into the encoder, a new key (the old one stops at once), ending
 * the live, and its state as it changes (the `live` frames of the live's room, which this page joins).
 * Mount it with plain props; it depends on no shell.
 */
import type { LiveView } from '@lightstick/protocol';
import { useState } from 'preact/hooks';
import { CopyField } from './copy-field.tsx';
import { ensureLiveStyles } from './live-styles.ts';
import { errorText, useJoinedRoom, useLive, useViewers, type Api, type Realtime } from './live-hooks.ts';
import { formatTime } from './live-labels.ts';
import { stringsFor, type LiveStrings } from './strings.ts';

export interface CreatorPageProps {
  api: Api;
  rt: Realtime;
  communityId: string;
  /** The live to run; without it the page shows the create form, then runs the live it created. */
  liveId?: string;
  /** Called with a live just created (e.g. to put its id in the address). */
  onCreated?: (live: LiveView) => void;
  /** Where the watch page of a live is, for a link to it. */
  watchHref?: (live: LiveView) => string;
  lang?: string;
}

export function CreatorPage({ api, rt, communityId, liveId, onCreated, watchHref, lang }: CreatorPageProps) {
  ensureLiveStyles();
  const s = stringsFor(lang);
  const [created, setCreated] = useState<LiveView | null>(null);
  const id = liveId ?? created?.id;
  return (
    <div class="ls-studio" data-testid="creator-page">
      {id ? (
        <LiveControl
          api={api}
          rt={rt}
          liveId={id}
          initial={created ?? undefined}
          watchHref={watchHref}
          s={s}
        />
      ) : (
        <CreateLiveForm
          api={api}
          communityId={communityId}
          s={s}
          onCreated={(l) => {
            setCreated(l);
            onCreated?.(l);
          }}
        />
      )}
    </div>
  );
}

function CreateLiveForm(props: {
  api: Api;
  communityId: string;
  s: LiveStrings;
  onCreated: (l: LiveView) => void;
}) {
  const { api, communityId, s, onCreated } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = (ev: Event) => {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget as HTMLFormElement);
    const title = String(form.get('title') ?? '').trim();
    const access = String(form.get('access') ?? 'public') as LiveView['access'];
    const when = String(form.get('scheduledAt') ?? '');
    setBusy(true);
    setError('');
    api
      .createLive(communityId, {
        title,
        access,
        ...(when ? { scheduledAt: new Date(when).toISOString() } : {}),
      })
      .then(onCreated, (err: unknown) => setError(errorText(err, s.somethingWrong)))
      .finally(() => setBusy(false));
  };
  return (
    <form class="ls-card" onSubmit={submit} data-testid="create-live-form">
      <h2>{s.createHeading}</h2>
      <label class="ls-field">
        {s.titleLabel}
        <input name="title" required maxLength={60} data-testid="live-title-input" />
      </label>
      <label class="ls-field">
        {s.accessLabel}
        <select name="access" data-testid="live-access-input">
          <option value="public">{s.accessPublic}</option>
          <option value="members">{s.accessMembers}</option>
        </select>
      </label>
      <label class="ls-field">
        {s.scheduleLabel}
        <input name="scheduledAt" type="datetime-local" data-testid="live-schedule-input" />
      </label>
      <p class="ls-error" role="alert" data-testid="creator-error">
        {error}
      </p>
      <div class="ls-actions">
        <button type="submit" class="primary" disabled={busy} data-testid="create-live">
          {s.create}
        </button>
      </div>
    </form>
  );
}

function LiveControl(props: {
  api: Api;
  rt: Realtime;
  liveId: string;
  initial: LiveView | undefined;
  watchHref: ((l: LiveView) => string) | undefined;
  s: LiveStrings;
}) {
  const { api, rt, liveId, initial, watchHref, s } = props;
  const { live, error, setLive } = useLive(api, rt, liveId, initial);
  useJoinedRoom(rt, live?.roomId, true);
  const viewers = useViewers(rt, live?.roomId);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [failure, setFailure] = useState('');

  if (!live) {
    return (
      <p class={error ? 'ls-error' : 'ls-note'} role="alert">
        {error ? errorText(error, s.somethingWrong) : s.loading}
      </p>
    );
  }

  const act = (call: () => Promise<LiveView>, done: string) => {
    setBusy(true);
    setFailure('');
    call()
      .then((l) => {
        setLive(l);
        setNote(done);
      })
      .catch((err: unknown) => setFailure(errorText(err, s.somethingWrong)))
      .finally(() => {
        setBusy(false);
        setConfirming(false);
      });
  };
  const ended = live.state === 'ended';

  return (
    <section class="ls-card" data-testid="live-control" data-live={live.id} data-state={live.state}>
      <div class="ls-meta">
        <h1 data-testid="live-title">{live.title}</h1>
        <span class="ls-state" data-testid="live-state" data-state={live.state} aria-live="polite">
          {s.state[live.state]}
        </span>
        {live.access === 'members' && <span class="tag">{s.membersTag}</span>}
        {viewers !== null && (
          <span class="ls-viewers" data-testid="live-viewers">
            {s.viewers(viewers)}
          </span>
        )}
      </div>
      <p class="ls-note">{whenText(live, s)}</p>
      {live.ingest && !ended && (
        <>
          <CopyField label={s.ingestUrl} value={live.ingest.url} testId="ingest-url" s={s} />
          <CopyField label={s.streamKey} value={live.ingest.streamKey} secret testId="stream-key" s={s} />
          <p class="ls-note">{s.ingestHint}</p>
        </>
      )}
      <p class="ls-note" data-testid="creator-note" aria-live="polite">
        {note}
      </p>
      <p class="ls-error" role="alert" data-testid="creator-error">
        {failure || (error ? errorText(error, s.somethingWrong) : '')}
      </p>
      <div class="ls-actions">
        {watchHref && (
          <a href={watchHref(live)} data-testid="watch-link">
            {s.watchLink}
          </a>
        )}
        {!ended && (
          <button
            type="button"
            disabled={busy}
            data-testid="rotate-key"
            onClick={() => act(() => api.rotateLiveKey(live.id), s.keyRotated)}
          >
            {s.rotateKey}
          </button>
        )}
        {!ended && (
          <button
            type="button"
            class="ls-danger"
            disabled={busy}
            data-testid="end-live"
            data-confirming={confirming ? 'true' : undefined}
            onClick={() => (confirming ? act(() => api.endLive(live.id), '') : setConfirming(true))}
          >
            {confirming ? s.confirmEnd : s.endLive}
          </button>
        )}
      </div>
    </section>
  );
}

function whenText(live: LiveView, s: LiveStrings): string {
  if (live.state === 'ended') return live.endedAt ? s.endedAt(formatTime(live.endedAt, s.code)) : '';
  if (live.startedAt) return s.startedAt(formatTime(live.startedAt, s.code));
  if (live.scheduledAt) return s.scheduledFor(formatTime(live.scheduledAt, s.code));
  return '';
}
