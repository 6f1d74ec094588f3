/**
 * The drawn part of a room's messages (see feed.ts for the bounds). It follows the bottom only while the fan
 * is there; scrolled up, it keeps their place (Chromium's scroll anchoring) and offers a "↓ N new messages"
 * button. The list is a `role="log"` but not live: a busy room would make a screen reader talk without
 * end, so a separate polite status says, at most every few seconds, how many messages came.
 */
import type { ReadonlySignal } from '@preact/signals';
import type { ChatMessage } from '@lightstick/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatDate, formatTime, lang, t } from '../i18n/i18n.ts';
import type { Entry, View } from './feed.ts';
import { MessageItem } from './message-item.tsx';

const NEAR_BOTTOM_PX = 64;
const NEAR_TOP_PX = 200;
const ANNOUNCE_EVERY_MS = 10_000;

export interface ListProps {
  /** The feed's window, as a signal: a draw redraws this list only, not the room screen around it. */
  view: ReadonlySignal<View>;
  myUserId: string | undefined;
  roomName: string;
  loadingOlder: boolean;
  onTop(): void;
  onBottom(): void;
  onLeaveBottom(): void;
  onJump(): void;
  onShowMissed(): void;
  /** Shown above the list (e.g. the reconnect banner). */
  banner?: ComponentChildren;
}

export function MessageList(p: ListProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const view = p.view.value;

  /** The first line in view and its distance from the top: kept in place when lines come or go above it. */
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const remember = (el: HTMLElement) => {
    // Lines are in order top to bottom: a binary search reads a few positions, not every line above the view
    // (a busy room scrolls on every draw).
    const lines = el.querySelectorAll<HTMLElement>('li[data-id]');
    const top = el.scrollTop;
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const li = lines[mid]!;
      if (li.offsetTop + li.offsetHeight > top) hi = mid;
      else lo = mid + 1;
    }
    const li = lines[lo];
    if (li) anchor.current = { id: li.dataset.id!, offset: li.offsetTop - top };
  };

  /** Where the list was last scrolled to: only a move up is the reader leaving the newest lines. */
  const lastTop = useRef(0);
  const following = useRef(view.following);
  following.current = view.following;
  /** The newest line when the list was last pinned (see onScroll). */
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef<Element | null>(null);
  const pin = (el: HTMLElement) => {
    el.scrollTop = el.scrollHeight;
    lastTop.current = el.scrollTop;
    pinned.current = list.current?.lastElementChild ?? null;
  };

  // Following: stay pinned to the newest line after every draw; reading back: keep the reader's line still.
  const pinFrame = useRef(0);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (view.following) {
      // Pinned at the start of the next frame, which lays the list out anyway: reading its height here would
      // lay it out in the draw's own task, and a busy room's draw and layout would make one long task.
      pinFrame.current ||= requestAnimationFrame(() => {
        pinFrame.current = 0;
        if (following.current) pin(el);
      });
      return;
    }
    const a = anchor.current;
    const li = a && el.querySelector<HTMLElement>(`li[data-id="${CSS.escape(a.id)}"]`);
    if (a && li) el.scrollTop = li.offsetTop - a.offset;
  });

  // Lines and the room's parts above the list can grow after a draw (a translation, the spotlight loading): while
  // following, that must keep the newest line in view rather than read as the reader scrolling away.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => following.current && pin(el));
    ro.observe(el);
    if (el.firstElementChild) for (const c of el.children) ro.observe(c);
    return () => {
      ro.disconnect();
      cancelAnimationFrame(pinFrame.current);
    };
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    remember(el);
    const up = el.scrollTop < lastTop.current - 1;
    lastTop.current = el.scrollTop;
    const bottom = el.scrollTop + el.clientHeight;
    // Following, lines drawn since the last pin wait below until the next frame pins them: measured from the line
    // that was newest then, a scroll the browser made meanwhile (the list's box grew, lines above it went) is not
    // read as the reader leaving the newest lines.
    const last = view.following && pinned.current?.isConnected ? (pinned.current as HTMLElement) : null;
    const fromBottom = last ? last.offsetTop + last.offsetHeight - bottom : el.scrollHeight - bottom;
    if (fromBottom < NEAR_BOTTOM_PX) p.onBottom();
    else if (view.following && up) p.onLeaveBottom();
    else if (view.following) pin(el); // grown below the reader, not scrolled by them
    if (el.scrollTop < NEAR_TOP_PX) p.onTop();
  };

  const lng = lang.value;
  // The time format is built on first use, which is slow: build it with the list, not in a busy room's first draw.
  useEffect(() => void formatTime(new Date()), [lng]);
  const items: preact.JSX.Element[] = [];
  let lastDay = '';
  for (const e of view.entries)
    items.push(
      ...line(e, p.myUserId, lng, (d) => {
        if (d === lastDay) return false;
        lastDay = d;
        return true;
      }),
    );

  return (
    <div class="chat-list">
      {p.banner}
      {view.missed !== null ? (
        <div class="notice-bar" data-testid="missed-notice" role="status">
          <span>{view.missed > 0 ? t('room.missed', { n: view.missed }) : t('room.missedSome')}</span>
          <button type="button" class="small" data-testid="show-missed" onClick={p.onShowMissed}>
            {t('room.showMissed')}
          </button>
        </div>
      ) : null}
      <div
        ref={scroller}
        class="scroller"
        data-testid="message-scroller"
        tabIndex={0}
        role="log"
        aria-live="off"
        aria-label={t('room.messages')}
        onScroll={onScroll}
      >
        {view.startOfRoom ? (
          <p class="room-start" data-testid="room-start">
            {t('room.start', { name: p.roomName })}
          </p>
        ) : null}
        {p.loadingOlder ? <p class="muted center-text">{t('room.loadingOlder')}</p> : null}
        <ol ref={list} class="messages" data-testid="message-list">
          {items}
        </ol>
      </div>
      {!view.following ? (
        <button type="button" class="new-messages" data-testid="new-messages" onClick={p.onJump}>
          {view.unseen === 0
            ? t('room.jumpToLatest')
            : view.unseen === 1
              ? t('room.newMessagesOne')
              : t('room.newMessages', { n: view.unseen })}
        </button>
      ) : null}
      <Announcer entries={view.entries} />
    </div>
  );
}

/** A message's day and time as the list shows them, worked out once per message and language. */
const stamps = new WeakMap<ChatMessage, { lng: string; date: Date; day: string; time: string }>();
function stamp(m: ChatMessage, lng: string) {
  let s = stamps.get(m);
  if (!s || s.lng !== lng) {
    const date = new Date(m.ts);
    const day = `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
    s = { lng, date, day, time: formatTime(date) };
    stamps.set(m, s);
  }
  return s;
}

function line(e: Entry, me: string | undefined, lng: string, newDay: (d: string) => boolean) {
  if (e.kind === 'notice') {
    return [
      <li key={e.id} class="notice" data-testid="notice">
        {t('room.skipped', { n: e.skipped })}
      </li>,
    ];
  }
  const { date, day, time } = stamp(e.m, lng);
  const out = [];
  if (newDay(day))
    out.push(
      <li key={`d${day}`} class="day" data-testid="date-separator">
        <span>{formatDate(date)}</span>
      </li>,
    );
  out.push(<MessageItem key={e.id} m={e.m} mine={e.m.user.id === me} lng={lng} time={time} />);
  return out;
}

/** A polite status that says how many messages arrived, at most every ANNOUNCE_EVERY_MS. */
function Announcer({ entries }: { entries: Entry[] }) {
  const [text, setText] = useState('');
  const seen = useRef<{ last: string | undefined; count: number; at: number }>({
    last: undefined,
    count: 0,
    at: 0,
  });
  useEffect(() => {
    const s = seen.current;
    const lastId = entries.at(-1)?.id;
    if (s.last === undefined) {
      s.last = lastId;
      return;
    }
    const i = entries.findIndex((e) => e.id === s.last);
    s.count += i < 0 ? entries.length : entries.length - 1 - i;
    s.last = lastId;
    const now = Date.now();
    if (s.count > 0 && now - s.at >= ANNOUNCE_EVERY_MS) {
      setText(t('room.announce.new', { n: s.count }));
      s.count = 0;
      s.at = now;
    }
  }, [entries]);
  return (
    <p class="sr-only" role="status" data-testid="announcer">
      {text}
    </p>
  );
}
