/**
 * What a message shows beyond its author (issue 11 parts 8 and 9): its text with links (anchors with
 * rel="noopener noreferrer nofollow", http(s) only) and @mentions (highlighted when they name the reader),
 * always rendered as text nodes, never HTML; and its translation under the original, fetched through the
 * translation route only when the message is in another language than the reader's (or on request).
 */
import type { ChatMessage } from '@lightstick/protocol';
import { segments, type Me } from './text-segments.ts';

export const LINK_REL = 'noopener noreferrer nofollow';

export interface MessageTextProps {
  message: Pick<ChatMessage, 'text' | 'links' | 'mentions'>;
  /** The reader: mentions of them are highlighted. */
  me: Me;
}

export function MessageText({ message, me }: MessageTextProps) {
  const parts = segments(message.text, message, me);
  const mentioned = parts.some((p) => p.kind === 'mention' && p.me);
  return (
    <span class="fd-text" data-testid="fd-text" data-mentions-me={mentioned ? 'true' : undefined}>
      {parts.map((p, i) =>
        p.kind === 'link' ? (
          <a key={i} href={p.url} target="_blank" rel={LINK_REL} data-testid="fd-link">
            {p.text}
          </a>
        ) : p.kind === 'mention' ? (
          <span
            key={i}
            class={p.me ? 'fd-mention fd-mention--me' : 'fd-mention'}
            data-testid={p.me ? 'fd-mention-me' : 'fd-mention'}
          >
            {p.text}
          </span>
        ) : (
          p.text
        ),
      )}
    </span>
  );
}
