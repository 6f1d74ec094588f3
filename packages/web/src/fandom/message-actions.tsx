/**
 * Actions on one message, at most two clicks from it (issue 11 part 10): a "⋯" button opens a menu, and
 * one more click deletes the message, times its author out for 10 minutes, bans them or pins the message
 * (moderators and up); everyone else gets "Report" there. The result shows in words beside the button.
 */
import type { ApiClient } from '@lightstick/client';
import type { ChatMessage } from '@lightstick/protocol';
import { useState } from 'preact/hooks';
import type { ViewerRole } from './contract.ts';
import { MODERATOR_ROLES } from './contract.ts';
import { moderation } from './moderation-api.ts';
import { t, type Lang, type StringKey } from './strings.ts';

export interface MessageActionsProps {
  api: ApiClient;
  room: string;
  community: string;
  /** The viewer's role in the community. */
  role: ViewerRole;
  message: Pick<ChatMessage, 'id' | 'user'>;
  lang: Lang;
  /** Called once the server deleted the message (the `deleted` frame follows for everyone). */
  onDeleted?: (mid: string) => void;
}

export const TIMEOUT_SECONDS = 600;

type Action = 'delete' | 'timeout' | 'ban' | 'pin' | 'report';
const MOD_ACTIONS: Action[] = ['delete', 'timeout', 'ban', 'pin'];

export function MessageActions({
  api,
  room,
  community,
  role,
  message,
  lang,
  onDeleted,
}: MessageActionsProps) {
  const [open, setOpen] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const mod = role !== null && MODERATOR_ROLES.has(role);
  const actions: Action[] = mod ? MOD_ACTIONS : ['report'];

  function run(action: Action): void {
    setOpen(false);
    const m = moderation(api);
    const userId = message.user.id;
    const done: Promise<unknown> =
      action === 'delete'
        ? m.deleteMessage(room, message.id).then(() => onDeleted?.(message.id))
        : action === 'timeout'
          ? m.timeout(community, { userId, seconds: TIMEOUT_SECONDS })
          : action === 'ban'
            ? m.ban(community, { userId })
            : action === 'pin'
              ? m.pin(room, message.id)
              : m.report(room, message.id, 'Reported from the chat');
    done.then(
      () => setResult({ ok: true, text: t(lang, action === 'report' ? 'mod.reported' : 'mod.done') }),
      (err: unknown) =>
        setResult({
          ok: false,
          text: err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err),
        }),
    );
  }

  const label: Record<Action, StringKey> = {
    delete: 'mod.delete',
    timeout: 'mod.timeout',
    ban: 'mod.ban',
    pin: 'mod.pin',
    report: 'mod.report',
  };
  return (
    <span class="fd-actions" data-testid="fd-actions">
      <button
        type="button"
        class="fd-actions-toggle link"
        data-testid="fd-actions-toggle"
        aria-haspopup="menu"
        aria-expanded={open}
        title={t(lang, mod ? 'mod.actions' : 'mod.report')}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open && (
        <span class="fd-actions-menu" role="menu">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              role="menuitem"
              class={a === 'ban' || a === 'delete' ? 'danger' : undefined}
              data-testid={`fd-action-${a}`}
              onClick={() => run(a)}
            >
              {t(lang, label[a])}
            </button>
          ))}
        </span>
      )}
      {result && (
        <span class={result.ok ? 'fd-action-ok' : 'error'} role="status" data-testid="fd-action-result">
          {result.text}
        </span>
      )}
    </span>
  );
}
