/**
 * One chat line. Text is rendered as text (never HTML); line breaks show as typed (CSS pre-wrap); the links and
 * mentions the server found become links and highlights (fandom/message-extras.tsx), with the translation under
 * the text and the moderation actions beside it. Memoised: a line is drawn once however often the list moves.
 */
import type { ChatMessage } from '@lightstick/protocol';
import { signal } from '@preact/signals';
import { memo } from 'preact/compat';
import { useContext } from 'preact/hooks';
import { HIGHLIGHTED, RoleBadge } from '../ui/badges.tsx';
import { MessageActions } from '../fandom/message-actions.tsx';
import { MessageText } from '../fandom/message-extras.tsx';
import { lang } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import type * as TranslationModule from '../fandom/translation.tsx';
import { RoomLineContext } from './room-context.ts';

/**
 * Translations load on demand: once a line in another language than the reader's is drawn. A signal rather
 * than `lazy()` with a Suspense boundary per line: a busy room's lines then carry two components fewer each,
 * and none throws while the chunk loads; lines drawn before it arrives read the signal and show it then.
 */
const translation = signal<typeof TranslationModule | null>(null);
let loading = false;
function loadTranslation(): void {
  if (loading) return;
  loading = true;
  import('../fandom/translation.tsx').then(
    (mod) => (translation.value = mod),
    () => (loading = false), // tried again by the next such line
  );
}

/**
 * `time` comes formatted from the list (in the fan's locale), so a line reads only signals that seldom change
 * (the user, the language, the translation chunk once loaded): hundreds of lines cost nothing between draws.
 * `lng` redraws badges on a language switch.
 */
function MessageItemInner({
  m,
  mine,
  time: shown,
}: {
  m: ChatMessage;
  mine: boolean;
  lng: string;
  time: string;
}) {
  const line = useContext(RoomLineContext);
  const user = session.user.value;
  const foreign = line !== null && m.role !== 'system' && m.lang !== lang.value;
  const tr = foreign ? translation.value : null;
  if (foreign && !tr) loadTranslation();
  const highlighted = m.priority || HIGHLIGHTED.has(m.role);
  const cls = [
    'msg',
    highlighted ? 'msg--priority' : '',
    `msg--${m.role}`,
    mine ? 'msg--mine' : '',
    m.deleted ? 'msg--deleted' : '',
  ];
  return (
    <li
      class={cls.filter(Boolean).join(' ')}
      data-testid="message"
      data-id={m.id}
      data-offset={m.pos.offset}
      data-role={m.role}
      data-highlighted={highlighted ? 'true' : undefined}
      data-deleted={m.deleted ? 'true' : undefined}
    >
      <div class="meta">
        <span class="author" data-testid="message-author" title={`@${m.user.name}`}>
          {m.user.displayName || m.user.name}
        </span>
        {m.role === 'fan' || m.role === 'member' ? null : <RoleBadge role={m.role} />}
        <time dateTime={new Date(m.ts).toISOString()}>{shown}</time>
        {line ? (
          <MessageActions
            api={session.api}
            room={line.roomId}
            community={line.communityId}
            role={line.role}
            message={m}
            lang={lang.value}
          />
        ) : null}
      </div>
      <p class="text" data-testid="message-text">
        {/* Called, not mounted: it keeps no state, and a component per line costs a busy room. */}
        {MessageText({ message: m, me: { id: user?.id, name: user?.name } })}
      </p>
      {line && tr && !tr.idle(m, lang.value) ? (
        <tr.Translation api={session.api} room={line.roomId} message={m} lang={lang.value} />
      ) : null}
    </li>
  );
}

export const MessageItem = memo(MessageItemInner);
