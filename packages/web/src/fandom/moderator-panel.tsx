/**
 * The moderator panel beside the chat (issue 11 part 10): room modes (each one click), the reports queue,
 * the audit log, the community's filter lists, and its bans and timeouts (lifted in one click). Per-message actions live in MessageActions
 * (message-actions.tsx): delete, timeout, ban or pin in two clicks from the message.
 */
import type { ApiClient } from '@lightstick/client';
import type { AuditEntry, FilterSettings, PutRoomModeBody, ReportView } from '@lightstick/protocol';
import { ModerationLimits } from '@lightstick/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FandomRealtime, ModeEvent, ViewerRole } from './contract.ts';
import { MODERATOR_ROLES } from './contract.ts';
import { useRoomMode } from './mode-banner.tsx';
import { termsToText, textToTerms } from './filter-lines.ts';
import { moderation } from './moderation-api.ts';
import { st } from './sanction-strings.ts';
import { SanctionsTab } from './sanctions-tab.tsx';
import { modeSentences, t, type Lang, type StringKey } from './strings.ts';

export interface ModeratorPanelProps {
  api: ApiClient;
  rt: FandomRealtime;
  room: string;
  community: string;
  role: ViewerRole;
  lang: Lang;
}

type Tab = 'modes' | 'reports' | 'audit' | 'filters' | 'sanctions';
const TABS: Tab[] = ['modes', 'reports', 'audit', 'filters', 'sanctions'];

/** One-click choices: the range of 3-120 s for slow mode, up to the documented fan delay maximum. */
export const SLOW_CHOICES = [0, 3, 5, 10, 30, 60, ModerationLimits.slowMaxSeconds];
export const DELAY_CHOICES = [0, 2000, 5000, ModerationLimits.fanDelayMaxMs];

export function ModeratorPanel({ api, rt, room, community, role, lang }: ModeratorPanelProps) {
  const [tab, setTab] = useState<Tab>('modes');
  if (!role || !MODERATOR_ROLES.has(role)) return null;
  return (
    <aside class="fd-mod-panel" data-testid="fd-mod-panel" aria-label={t(lang, 'mod.panel')}>
      <h2>{t(lang, 'mod.panel')}</h2>
      <nav class="fd-tabs" role="tablist">
        {TABS.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            data-testid={`fd-tab-${name}`}
            onClick={() => setTab(name)}
          >
            {name === 'sanctions' ? st(lang, 'tab') : t(lang, `mod.tab.${name}`)}
          </button>
        ))}
      </nav>
      {tab === 'modes' && <Modes api={api} rt={rt} room={room} lang={lang} />}
      {tab === 'reports' && <Reports api={api} community={community} lang={lang} />}
      {tab === 'audit' && <Audit api={api} community={community} lang={lang} />}
      {tab === 'filters' && <Filters api={api} community={community} lang={lang} />}
      {tab === 'sanctions' && <SanctionsTab api={api} community={community} lang={lang} />}
    </aside>
  );
}

function useError(): [string, (err: unknown) => void, () => void] {
  const [error, setError] = useState('');
  const fail = (err: unknown) =>
    setError(err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err));
  return [error, fail, () => setError('')];
}

function ErrorLine({ text }: { text: string }) {
  return text ? (
    <p class="error" role="alert" data-testid="fd-mod-error">
      {text}
    </p>
  ) : null;
}

function Modes({ api, rt, room, lang }: { api: ApiClient; rt: FandomRealtime; room: string; lang: Lang }) {
  const live = useRoomMode(api, rt, room);
  const [local, setLocal] = useState<ModeEvent | null>(null);
  const [error, fail, clear] = useError();
  // The `mode` frame normally brings the change; the PUT's answer shows it at once, until the next frame.
  // Answers can come back after newer frames (two quick clicks: the second change's frame before the first's
  // answer), and an older answer shown then stayed until some later change. So an answer is shown only when
  // it answers the latest PUT and no frame came since that PUT went out: a frame that did is the server's own
  // word, and the PUT's own frame is still to come if it was older.
  const puts = useRef(0);
  const frames = useRef(0);
  const mode = local ?? live;
  useEffect(() => {
    frames.current += 1;
    setLocal(null);
  }, [live]);

  const set = (body: PutRoomModeBody) => {
    clear();
    const put = ++puts.current;
    const seen = frames.current;
    moderation(api)
      .setMode(room, body)
      .then((m) => put === puts.current && seen === frames.current && setLocal(m), fail);
  };
  if (!mode) return <ErrorLine text={error} />;
  return (
    <div class="fd-modes-form" data-testid="fd-modes">
      <ul class="fd-modes" data-testid="fd-mod-mode-lines">
        {modeSentences(mode, lang).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <fieldset>
        <legend>{t(lang, 'mod.slow')}</legend>
        {SLOW_CHOICES.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={mode.slowSeconds === s}
            data-testid={`fd-slow-${s}`}
            onClick={() => set({ slowSeconds: s })}
          >
            {s === 0 ? t(lang, 'mod.slowOff') : t(lang, 'mod.seconds', { seconds: s })}
          </button>
        ))}
      </fieldset>
      {(['membersOnly', 'emoteOnly', 'uniqueChat'] as const).map((k) => (
        <label key={k} class="fd-toggle">
          <input
            type="checkbox"
            checked={mode[k]}
            data-testid={`fd-${k}`}
            onChange={() => set({ [k]: !mode[k] })}
          />
          {t(lang, `mod.${k}`)}
        </label>
      ))}
      <fieldset>
        <legend>{t(lang, 'mod.fanDelay')}</legend>
        {DELAY_CHOICES.map((ms) => (
          <button
            key={ms}
            type="button"
            aria-pressed={mode.fanDelayMs === ms}
            data-testid={`fd-delay-${ms}`}
            onClick={() => set({ fanDelayMs: ms })}
          >
            {ms === 0 ? t(lang, 'mod.slowOff') : t(lang, 'mod.seconds', { seconds: ms / 1000 })}
          </button>
        ))}
      </fieldset>
      <ErrorLine text={error} />
    </div>
  );
}

function Reports({ api, community, lang }: { api: ApiClient; community: string; lang: Lang }) {
  const [reports, setReports] = useState<ReportView[] | null>(null);
  const [error, fail, clear] = useError();
  const load = () => {
    clear();
    moderation(api)
      .reports(community)
      .then((p) => setReports(p.reports), fail);
  };
  useEffect(load, [api, community]);

  const resolve = (r: ReportView, status: 'resolved' | 'dismissed' | 'approved' | 'rejected') =>
    moderation(api)
      .resolveReport(community, r.id, { status })
      .then(() => setReports((rs) => rs?.filter((x) => x.id !== r.id) ?? null), fail);

  return (
    <div data-testid="fd-reports">
      <button type="button" class="link" onClick={load}>
        {t(lang, 'mod.refresh')}
      </button>
      <ErrorLine text={error} />
      {reports?.length === 0 && <p class="notice">{t(lang, 'mod.noReports')}</p>}
      <ol class="fd-report-list">
        {reports?.map((r) => {
          const [ok, no]: [StringKey, StringKey] =
            r.kind === 'held' ? ['mod.approve', 'mod.reject'] : ['mod.resolve', 'mod.dismiss'];
          return (
            <li key={r.id} data-testid="fd-report" data-id={r.id}>
              <p>
                <span class="author">{r.message.user.displayName || r.message.user.name}</span>:{' '}
                <span class="text">{r.message.text}</span>
              </p>
              <p class="fd-report-reason">
                {r.reporter ? `${r.reporter.name}: ` : ''}
                {r.reason}
              </p>
              <button
                type="button"
                onClick={() => void resolve(r, r.kind === 'held' ? 'approved' : 'resolved')}
              >
                {t(lang, ok)}
              </button>
              <button
                type="button"
                onClick={() => void resolve(r, r.kind === 'held' ? 'rejected' : 'dismissed')}
              >
                {t(lang, no)}
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function Audit({ api, community, lang }: { api: ApiClient; community: string; lang: Lang }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [error, fail, clear] = useError();
  const load = () => {
    clear();
    moderation(api)
      .audit(community)
      .then((p) => setEntries(p.entries), fail);
  };
  useEffect(load, [api, community]);
  return (
    <div data-testid="fd-audit">
      <button type="button" class="link" onClick={load}>
        {t(lang, 'mod.refresh')}
      </button>
      <ErrorLine text={error} />
      {entries?.length === 0 && <p class="notice">{t(lang, 'mod.noAudit')}</p>}
      <ol class="fd-audit-list">
        {entries?.map((e) => (
          <li key={e.id} data-testid="fd-audit-entry" data-action={e.action}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString(lang)}</time>{' '}
            <span class="author">{e.actor.name}</span> <code>{e.action}</code>{' '}
            {e.targetUserId ?? e.targetMessageId ?? ''}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Filters({ api, community, lang }: { api: ApiClient; community: string; lang: Lang }) {
  const [settings, setSettings] = useState<FilterSettings | null>(null);
  const [terms, setTerms] = useState('');
  const [allow, setAllow] = useState('');
  const [saved, setSaved] = useState(false);
  const [error, fail, clear] = useError();
  useEffect(() => {
    moderation(api)
      .filter(community)
      .then((s) => {
        setSettings(s);
        setTerms(termsToText(s.terms));
        setAllow(s.allow.join('\n'));
      }, fail);
  }, [api, community]);
  if (!settings) return <ErrorLine text={error} />;

  const save = (e: Event) => {
    e.preventDefault();
    clear();
    setSaved(false);
    const body: FilterSettings = {
      builtin: settings.builtin,
      terms: textToTerms(terms),
      allow: allow
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
    };
    moderation(api)
      .setFilter(community, body)
      .then((s) => {
        setSettings(s);
        setSaved(true);
      }, fail);
  };
  return (
    <form class="fd-filters" data-testid="fd-filters" onSubmit={save}>
      <label>
        {t(lang, 'mod.filterBuiltin')}{' '}
        <select
          value={settings.builtin}
          data-testid="fd-filter-builtin"
          onChange={(e) =>
            setSettings({ ...settings, builtin: e.currentTarget.value as FilterSettings['builtin'] })
          }
        >
          {(['block', 'hold', 'mask', 'off'] as const).map((a) => (
            <option key={a} value={a}>
              {t(lang, `action.${a}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t(lang, 'mod.filterTerms')}
        <textarea
          rows={5}
          value={terms}
          data-testid="fd-filter-terms"
          onInput={(e) => setTerms(e.currentTarget.value)}
        />
      </label>
      <label>
        {t(lang, 'mod.filterAllow')}
        <textarea
          rows={3}
          value={allow}
          data-testid="fd-filter-allow"
          onInput={(e) => setAllow(e.currentTarget.value)}
        />
      </label>
      <button type="submit" data-testid="fd-filter-save">
        {t(lang, 'mod.save')}
      </button>
      {saved && <span class="notice">{t(lang, 'mod.saved')}</span>}
      <ErrorLine text={error} />
    </form>
  );
}
