/**
 * The artist spotlight (issue 11 part 6): an artist's message stays pinned above the chat for a while
 * (however fast the chat scrolls), the room's pinned message (`pinned` frame) stays until unpinned, and an
 * "artist only" switch shows just the artists' messages (the app hides the chat while it is on, through
 * `onArtistOnlyChange`). An artist's reply carries the fan's message with it when the server sends one.
 */
import { FandomLimits, type ChatMessage } from '@lightstick/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { FandomRealtime } from './contract.ts';
import { MessageText } from './message-extras.tsx';
import type { ApiClient } from '@lightstick/client';
import { moderation } from './moderation-api.ts';
import { t, type Lang } from './strings.ts';
import type { Me } from './text-segments.ts';

export interface SpotlightProps {
  api: ApiClient;
  rt: FandomRealtime;
  room: string;
  lang: Lang;
  me: Me;
  /** How long an artist message stays in the spotlight (default FandomLimits.spotlightMs, 30 s). */
  holdMs?: number;
  /** Artist messages already loaded (the archive page), oldest first. */
  history?: ChatMessage[];
  onArtistOnlyChange?: (on: boolean) => void;
}

/** The documented spotlight time (FandomLimits.spotlightMs); a `spotlight` frame's `until` wins. */
export const SPOTLIGHT_HOLD_MS = FandomLimits.spotlightMs;
/** Artist messages kept for the "artist only" view. */
const KEEP = 200;

export const isArtist = (m: Pick<ChatMessage, 'role'>) => m.role === 'artist';

type WithReply = ChatMessage & { replyTo?: Pick<ChatMessage, 'user' | 'text'> };

export function Spotlight(props: SpotlightProps) {
  const { api, rt, room, lang, me, holdMs = SPOTLIGHT_HOLD_MS, history, onArtistOnlyChange } = props;
  const [artist, setArtist] = useState<ChatMessage[]>(() => (history ?? []).filter(isArtist).slice(-KEEP));
  const [current, setCurrent] = useState<ChatMessage | null>(null);
  const [currentMs, setCurrentMs] = useState(holdMs);
  const [pinned, setPinned] = useState<ChatMessage | null>(null);
  const [artistOnly, setArtistOnly] = useState(false);

  useEffect(() => {
    let live = true;
    moderation(api)
      .pinned(room)
      .then(
        (p) => live && setPinned((cur) => cur ?? p.message),
        () => undefined,
      );
    const offs = [
      rt.on('messages', (e) => {
        if (e.room !== room) return;
        const fresh = e.messages.filter(isArtist);
        if (fresh.length === 0) return;
        setArtist((a) => [...a, ...fresh.filter((m) => !a.some((x) => x.id === m.id))].slice(-KEEP));
        setCurrent(fresh.at(-1)!);
        setCurrentMs(holdMs);
      }),
      // The server's spotlight frame (also sent on join while it lasts): shown until its `until`.
      rt.on('spotlight', (e) => {
        if (e.room !== room) return;
        setArtist((a) => (a.some((x) => x.id === e.message.id) ? a : [...a, e.message].slice(-KEEP)));
        setCurrent(e.message);
        setCurrentMs(Math.max(0, Math.min(holdMs, e.until - Date.now())));
      }),
      rt.on('pinned', (e) => e.room === room && setPinned(e.message)),
      rt.on('deleted', (e) => {
        if (e.room !== room) return;
        const gone = new Set(e.mids);
        setArtist((a) => a.filter((m) => !gone.has(m.id)));
        setCurrent((c) => (c && gone.has(c.id) ? null : c));
        setPinned((p) => (p && gone.has(p.id) ? null : p));
      }),
    ];
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, [api, rt, room, holdMs]);

  // The spotlight clears itself `holdMs` after the latest artist message.
  useEffect(() => {
    if (!current) return;
    const timer = setTimeout(() => setCurrent(null), currentMs);
    return () => clearTimeout(timer);
  }, [current, currentMs]);

  function toggle(): void {
    const on = !artistOnly;
    setArtistOnly(on);
    onArtistOnlyChange?.(on);
  }

  return (
    <section class="fd-spotlight" data-testid="fd-spotlight" data-artist-only={artistOnly ? 'true' : 'false'}>
      <button
        type="button"
        class="fd-artist-only link"
        data-testid="fd-artist-only"
        aria-pressed={artistOnly}
        onClick={toggle}
      >
        {artistOnly ? t(lang, 'spotlight.allChat') : t(lang, 'spotlight.artistOnly')}
      </button>
      {pinned && <Card m={pinned} me={me} label={t(lang, 'spotlight.pinned')} testid="fd-pinned" />}
      {!artistOnly && current && current.id !== pinned?.id && (
        <Card m={current} me={me} label={t(lang, 'spotlight.title')} testid="fd-spotlight-message" />
      )}
      {artistOnly && (
        <ol class="fd-artist-list" data-testid="fd-artist-list">
          {artist.length === 0 && <li class="notice">{t(lang, 'spotlight.empty')}</li>}
          {artist.map((m) => (
            <li key={m.id}>
              <Card m={m} me={me} testid="fd-artist-message" />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Card({ m, me, label, testid }: { m: WithReply; me: Me; label?: string; testid: string }) {
  return (
    <article class="fd-card" data-testid={testid} data-id={m.id}>
      {label && <span class="fd-card-label">{label}</span>}
      {m.replyTo && (
        <blockquote class="fd-reply-to" data-testid="fd-reply-to">
          <span class="author">{m.replyTo.user.displayName || m.replyTo.user.name}</span> {m.replyTo.text}
        </blockquote>
      )}
      <span class="author">{m.user.displayName || m.user.name}</span> <MessageText message={m} me={me} />
    </article>
  );
}
