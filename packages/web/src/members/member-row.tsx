/**
 * One member on the owner's screen: who they are, their role, and (for the owner or an admin) a role picker
 * with a button, so a role changes only when asked (a keyboard moving through the choices changes nothing).
 * The result shows in the row, in words: the new role, or the server's refusal with its reason.
 */
import type { CommunityRole, MemberView } from '@lightstick/protocol';
import { useState } from 'preact/hooks';
import type { ApiClient } from '@lightstick/client';
import { setRole } from './members-api.ts';
import { refusalReason, roleName, t, type Lang } from './strings.ts';

/** The roles an owner hands out; only a platform admin makes or unmakes an owner (docs/moderation.md). */
const OWNER_CHOICES: readonly CommunityRole[] = ['fan', 'member', 'moderator', 'artist'];
const ADMIN_CHOICES: readonly CommunityRole[] = [...OWNER_CHOICES, 'owner'];

export interface Outcome {
  ok: boolean;
  text: string;
}

export interface MemberRowProps {
  api: ApiClient;
  community: string;
  member: MemberView;
  lang: Lang;
  /** The viewer may change roles (the community's owner, or a platform admin). */
  editable: boolean;
  admin: boolean;
  me: boolean;
  /** The server's answer, to update the list and say it for screen readers. */
  onDone(member: MemberView, outcome: Outcome): void;
  onRefused(outcome: Outcome): void;
}

export function MemberRow(props: MemberRowProps) {
  const { member: m, lang, editable, admin } = props;
  const [choice, setChoice] = useState<CommunityRole>(m.role);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const name = m.displayName || m.name;
  const changeable = editable && (m.role !== 'owner' || admin);
  const selectId = `role-${m.userId}`;

  const submit = (ev: Event) => {
    ev.preventDefault();
    if (choice === m.role || busy) return;
    setBusy(true);
    setOutcome(null);
    setRole(props.api, props.community, m.userId, choice)
      .then((updated) => {
        const done = { ok: true, text: t(lang, 'done', { name, role: roleName(lang, updated.role) }) };
        setOutcome(done);
        props.onDone(updated, done);
      })
      .catch((err: unknown) => {
        const refused = { ok: false, text: t(lang, 'refused', { reason: refusalReason(err, lang) }) };
        setOutcome(refused);
        setChoice(m.role);
        props.onRefused(refused);
      })
      .finally(() => setBusy(false));
  };

  return (
    <li class="ms-row" data-testid="member" data-user={m.userId} data-name={m.name} data-role={m.role}>
      <div class="ms-who">
        <strong>{name}</strong> <span class="muted">@{m.name}</span>
        {props.me ? <span class="muted"> {t(lang, 'you')}</span> : null}{' '}
        <span class={`badge badge--${m.role}`} data-testid="member-role-badge">
          {roleName(lang, m.role)}
        </span>
      </div>
      {changeable ? (
        <form class="ms-change" onSubmit={submit} data-testid="member-change">
          <label for={selectId} class="sr-only">
            {t(lang, 'roleOf', { name })}
          </label>
          <select
            id={selectId}
            value={choice}
            disabled={busy}
            data-testid="member-role"
            onChange={(e) => setChoice(e.currentTarget.value as CommunityRole)}
          >
            {(admin ? ADMIN_CHOICES : OWNER_CHOICES).map((r) => (
              <option key={r} value={r}>
                {roleName(lang, r)}
              </option>
            ))}
          </select>
          <button
            type="submit"
            class="primary"
            disabled={busy || choice === m.role}
            data-testid="member-apply"
          >
            {t(lang, busy ? 'applying' : 'apply')}
          </button>
        </form>
      ) : editable && m.role === 'owner' ? (
        <span class="muted ms-note">{t(lang, 'ownerFixed')}</span>
      ) : null}
      {outcome ? (
        <p class={outcome.ok ? 'ms-result ms-ok' : 'ms-result error'} data-testid="member-result">
          {outcome.text}
        </p>
      ) : null}
    </li>
  );
}
