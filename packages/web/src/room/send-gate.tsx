/**
 * For a room the fan cannot send to: the reason in words and the action that fixes it, instead of a
 * message box that fails. Not joined to the community: join it here. A members-only room for a fan: the
 * way to membership (the community page). Other refusals (a ban, a join refused) show the reason in words.
 */
import type { CommunityView, RoomView } from '@lightstick/protocol';
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { errorText } from '../ui/errors.ts';

export type Block =
  | { kind: 'join'; community: CommunityView }
  | { kind: 'members'; community: CommunityView }
  | { kind: 'refused'; reason: string; code: string };

const STAFF = new Set(['member', 'moderator', 'owner', 'artist']);

export function sendBlock(
  room: RoomView,
  community: CommunityView | null,
  /** Why the server refused or ended the viewer's membership of the room, if it did. */
  refusal: { code: string; message: string } | null,
): Block | null {
  if (community && !community.myRole) return { kind: 'join', community };
  if (
    community &&
    room.access === 'members' &&
    !STAFF.has(community.myRole ?? '') &&
    !session.user.value?.admin
  )
    return { kind: 'members', community };
  if (refusal && refusal.code !== 'client_closed')
    return { kind: 'refused', reason: errorText(refusal), code: refusal.code };
  return null;
}

export function SendGate({ block, onJoined }: { block: Block; onJoined(c: CommunityView): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  if (block.kind === 'refused') {
    return (
      <div class="gate" data-testid="send-gate" data-reason="refused" data-code={block.code}>
        <p>{block.reason}</p>
      </div>
    );
  }
  const c = block.community;
  if (block.kind === 'members') {
    return (
      <div class="gate" data-testid="send-gate" data-reason="members">
        <p>{t('room.gate.members', { community: c.name })}</p>
        <a class="button primary" href={`/c/${encodeURIComponent(c.id)}`}>
          {t('room.gate.membersAction')}
        </a>
      </div>
    );
  }
  return (
    <div class="gate" data-testid="send-gate" data-reason="join">
      <p>{t('room.gate.join', { community: c.name })}</p>
      <button
        type="button"
        class="primary"
        data-testid="gate-join"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          session.api
            .joinCommunity(c.id)
            .then(onJoined)
            .catch((err: unknown) => setError(errorText(err)))
            .finally(() => setBusy(false));
        }}
      >
        {t('room.gate.joinButton')}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
    </div>
  );
}
