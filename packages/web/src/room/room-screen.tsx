/**
 * A chat room: the newest archive page, then live messages over the shared realtime client (joined from the
 * newest archived position, so nothing falls between the two), older pages when scrolled up, the missed-
 * messages notice after a gap, the connection banner, and the composer or, for a room the fan cannot send
 * to, the reason and the action that fixes it. The layout has slots (slots.ts) for video and panels.
 * The viewer's role follows the server live (`role` frames): moderator tools come and go without a reload; a
 * room the server took away (a ban, a demotion out of a members-only room) is hidden with the reason, and
 * comes back by itself when the server says the viewer may enter again (a lifted ban, a new role).
 */
import type { RealtimeError } from '@lightstick/client';
import type { ChatMessage, CommunityRole, CommunityView, Position, RoomView } from '@lightstick/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { session } from '../state/session.ts';
import { errorText } from '../ui/errors.ts';
import { Page } from '../ui/page.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { Composer, type Outgoing } from './composer.tsx';
import { Feed } from './feed.ts';
import { MessageList } from './message-list.tsx';
import { SendGate, sendBlock } from './send-gate.tsx';
import { artistOnly, roomRefusal, roomSlots, type RoomContext } from './slots.ts';
import { RoomLineContext } from './room-context.ts';

const PAGE = 50;
const ARCHIVE_PAGE = 200;
/**
 * Live lines are drawn at most this often: a busy room (100 msgs/s) then costs a few draws a second, not
 * one per frame, which keeps a slow phone's main thread free; the delay it adds is well under a second.
 * A draw runs in a task of its own (a timer, not an animation frame): the browser's layout and paint of it
 * come in the next frame's task, so neither task carries both (the list pins the newest line in that frame).
 */
const DRAW_EVERY_MS = 150;
/**
 * At most this many new lines per draw (a draw is one task, and its work grows with the lines it adds); more
 * wait for the next draw. 100 msgs/s is about 15 a draw, so a page that fell behind still catches up.
 */
const MAX_PER_DRAW = 25;

/**
 * `embedded`: the room as the chat of another screen (the live watch page): no page frame, heading or back
 * link of its own, the rest alike.
 */
export function RoomScreen({ id: roomId, embedded = false }: { id: string; embedded?: boolean }) {
  const feed = useMemo(() => new Feed(), [roomId]);
  const [room, setRoom] = useState<RoomView | null>(null);
  const [community, setCommunity] = useState<CommunityView | null>(null);
  const [joined, setJoined] = useState(false);
  const [error, setError] = useState('');
  const [joinError, setJoinError] = useState<RealtimeError | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [outgoing, setOutgoing] = useState<Outgoing[]>([]);
  const [composerError, setComposerError] = useState<{ text: string; code?: string }>({ text: '' });
  const [ready, setReady] = useState(false);
  /** Bumped when the fan joins the community from the gate, or may enter again: load the room again. */
  const [gateJoins, setGateJoins] = useState(0);
  /** Why the server took this room away from the viewer (banned, forbidden), or null. */
  const [removed, setRemoved] = useState<{ code: string; message: string } | null>(null);
  /** `removed` for the frame handlers, set at once (two frames may come before the next render). */
  const removedNow = useRef(removed);
  removedNow.current = removed;
  const busy = useRef(false);
  const lastPos = useRef<Position | undefined>(undefined);
  const keys = useRef(0);
  const rt = session.rt.value;
  const me = session.user.value?.id;
  /** Whether the viewer moderates this room's community (read by the `deleted` handler). */
  const moderates = useRef(false);
  moderates.current =
    community?.myRole === 'moderator' ||
    community?.myRole === 'owner' ||
    (session.user.value?.admin ?? false);

  // Room, community (for the send gate) and the newest page.
  useEffect(() => {
    let live = true;
    setReady(false);
    setRemoved(null);
    (async () => {
      const r = await session.api.getRoom(roomId);
      if (!live) return;
      setRoom(r);
      const c = await session.api.getCommunity(r.communityId).catch(() => null);
      if (!live) return;
      setCommunity(c);
      // A visitor who has not joined the community may not read it: the gate says why and offers the join.
      if (c && !c.myRole) return;
      const page = await session.api.messages(roomId, { limit: PAGE });
      if (!live) return;
      feed.reset(page);
      lastPos.current = page.messages.at(-1)?.pos;
      setReady(true);
    })().catch((err: unknown) => {
      if (!live) return;
      // Banned, or no longer allowed in a members-only room: the gate says so instead of an error line.
      const code = (err as { code?: unknown }).code;
      if (code === 'banned' || code === 'forbidden') setRemoved(err as { code: string; message: string });
      else setError(errorText(err));
    });
    return () => {
      live = false;
    };
  }, [roomId, gateJoins]);

  // The viewer's own role in this community, told by the server at once (a promotion, a demotion, leaving,
  // a lifted ban): tools follow it; a room taken away loads again once the new role may enter it.
  const communityId = room?.communityId;
  const access = room?.access;
  useEffect(() => {
    if (!rt || !communityId) return;
    return rt.on('role', (e) => {
      if (e.community !== communityId) return;
      setCommunity((c) => c && { ...c, myRole: e.role });
      if (removedNow.current && mayEnter(e.role, access === 'members')) setGateJoins((n) => n + 1);
    });
  }, [rt, communityId, access]);

  // Live: join on the current realtime client (again after "retry now"), resuming from what is shown.
  useEffect(() => {
    if (!rt || !ready) return;
    let live = true;
    let queue: ChatMessage[] = [];
    let skipped = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let lastDraw = 0;
    // Staff messages shown before their turn (`ahead`): they do not move the position a re-join resumes from.
    const ahead = new Set<string>();
    const flush = () => {
      timer = undefined;
      lastDraw = performance.now();
      const batch = queue.splice(0, MAX_PER_DRAW);
      feed.live(batch, skipped);
      skipped = 0;
      const newest = batch.filter((m) => !ahead.delete(m.id)).at(-1);
      if (newest) lastPos.current = newest.pos;
      if (queue.length > 0) draw();
    };
    // One draw per DRAW_EVERY_MS however many frames arrive: a busy room costs the same per second.
    const draw = () => {
      timer ??= setTimeout(flush, Math.max(0, lastDraw + DRAW_EVERY_MS - performance.now()));
    };
    const offs = [
      rt.on('messages', (e) => {
        if (e.room !== roomId) return;
        queue.push(...e.messages);
        skipped += e.skipped;
        draw();
      }),
      rt.on('ahead', (e) => {
        if (e.room !== roomId) return;
        ahead.add(e.message.id);
        queue.push(e.message);
        draw();
      }),
      rt.on('reload', (e) => {
        if (e.room !== roomId) return;
        const held = lastPos.current;
        const missed = held && held.epoch === e.pos.epoch ? Math.max(0, e.pos.offset - held.offset) : -1;
        // Not tied to this client's lifetime: a "retry now" right after must not lose the notice.
        session.api
          .messages(roomId, { limit: PAGE })
          .then((page) => {
            queue = [];
            feed.reset(page, missed === 0 ? null : missed);
            lastPos.current = page.messages.at(-1)?.pos ?? e.pos;
          })
          .catch((err: unknown) => setError(errorText(err)));
      }),
      rt.on('throttled', (e) => {
        if (e.room === roomId)
          setComposerError({
            text: t('composer.slowDown', { s: Math.ceil(e.retryAfterMs / 1000) }),
            code: 'rate_limited',
          });
      }),
      rt.on('error', ({ error: err, fatal }) => {
        // A join refused for rate is joined again by the SDK once the wait is over: nothing to tell the fan.
        if (!fatal && err.code === 'rate_limited') return;
        if (err.room !== roomId) return;
        // A moderator timed the viewer out: the modes banner says it with the time left.
        if (err.code === 'timed_out') roomRefusal.value = refusalOf(roomId, err);
        else setError(errorText(err));
      }),
      // The server took the viewer out of this room (a ban, a demotion): hide it and say why.
      rt.on('removed', (e) => {
        if (e.room !== roomId) return;
        removedNow.current = e.error;
        setRemoved(e.error);
        setJoined(false);
      }),
      // A moderator deleted messages: gone for fans, marked for moderators (they keep seeing them).
      rt.on('deleted', (e) => {
        if (e.room === roomId) feed.deleted(e.mids, moderates.current);
      }),
    ];
    const since = lastPos.current;
    rt.join(roomId, since ? { since } : {})
      .then(async () => {
        if (!live) return;
        if (!since) {
          // The archive was empty, so there was no position to resume from: a message committed between that
          // fetch and the join is in the archive now (it commits before it is published): fetch once more.
          const page = await session.api.messages(roomId, { limit: PAGE });
          if (live) feed.live(page.messages);
        }
        setJoined(true);
        setJoinError(null);
      })
      .catch((err: RealtimeError) => live && setJoinError(err));
    return () => {
      live = false;
      clearTimeout(timer);
      for (const off of offs) off();
      setJoined(false);
      if (session.rt.value === rt) void rt.leave(roomId).catch(() => undefined);
    };
  }, [rt, ready, roomId]);

  // A short first page cannot be scrolled: fetch older pages until it can.
  useEffect(() => {
    if (!ready) return;
    const el = document.querySelector<HTMLElement>('[data-testid="message-scroller"]');
    if (el && el.scrollHeight <= el.clientHeight && feed.olderCursor !== null) loadOlder();
  });

  const loadOlder = () => {
    if (feed.atTop() || busy.current) return;
    const before = feed.olderCursor;
    if (before === null) return;
    busy.current = true;
    setLoadingOlder(true);
    session.api
      .messages(roomId, { before, limit: PAGE })
      .then((page) => feed.prepend(page))
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => {
        busy.current = false;
        setLoadingOlder(false);
      });
  };

  const loadNewer = () => {
    if (feed.atBottom() || busy.current) return;
    const after = feed.newerCursor;
    if (after === null) return;
    busy.current = true;
    session.api
      .messages(roomId, { after, limit: ARCHIVE_PAGE })
      .then((page) => feed.appendArchive(page))
      .catch((err: unknown) => setError(errorText(err)))
      .finally(() => (busy.current = false));
  };

  const jump = () => {
    if (!feed.needsReload) return feed.jumpToEnd();
    const dropped = feed.droppedCount;
    const wasArchive = feed.view.value.archive;
    void session.api
      .messages(roomId, { limit: PAGE })
      .then((page) => feed.reset(page, wasArchive ? null : dropped))
      .catch((err: unknown) => setError(errorText(err)));
  };

  const showMissed = () => {
    void session.api
      .messages(roomId, { after: feed.anchor, limit: ARCHIVE_PAGE })
      .then((page) => feed.enterArchive(page))
      .catch((err: unknown) => setError(errorText(err)));
  };

  const send = (text: string, key = ++keys.current) => {
    const client = session.rt.value;
    if (!client) return;
    setOutgoing((list) => [...list.filter((o) => o.key !== key), { key, text, state: 'sending' }]);
    client
      .send(roomId, text)
      .then(() => {
        setOutgoing((list) => list.filter((o) => o.key !== key));
        setComposerError({ text: '' });
        // Sent: a refusal shown before (a timeout lifted early, slow mode over) no longer holds.
        if (roomRefusal.value?.room === roomId) roomRefusal.value = null;
      })
      .catch((err: RealtimeError) => {
        const reason = errorText(err);
        setOutgoing((list) => list.map((o) => (o.key === key ? { ...o, state: 'failed', reason } : o)));
        if (err.code !== 'client_closed') setComposerError({ text: reason, code: err.code });
        roomRefusal.value = refusalOf(roomId, err);
      });
  };

  const title = room ? `# ${room.name}` : t('room.title');
  const myRole = community?.myRole ?? null;
  // One value per role: the memoised lines redraw when the role changes, not on every draw of the list.
  const line = useMemo(
    () => (communityId ? { roomId, communityId, role: myRole } : null),
    [roomId, communityId, myRole],
  );
  const block = room ? sendBlock(room, community, removed ?? joinError) : null;
  // A room taken away shows only why: no viewer count, hearts, spotlight or panel for it.
  const ctx: RoomContext | null = room && !removed ? { room, community, rt } : null;
  const slots = roomSlots.value;
  const back = (
    <a class="back" href={room ? `/c/${encodeURIComponent(room.communityId)}` : '/'}>
      ← {t('nav.back')}
    </a>
  );

  const Frame = embedded ? EmbeddedFrame : Page;
  return (
    <Frame title={title} class="room" testid="room" before={back}>
      <div
        class="room-layout"
        data-room={roomId}
        data-joined={joined ? 'true' : undefined}
        data-testid="room-layout"
      >
        {ctx ? slots.header?.map((C, i) => <C key={i} {...ctx} />) : null}
        {ctx && slots.top?.length ? (
          <div class="room-top">
            {slots.top.map((C, i) => (
              <C key={i} {...ctx} />
            ))}
          </div>
        ) : null}
        <div class="room-body">
          <section
            class={artistOnly.value ? 'chat room--artist-only' : 'chat'}
            aria-label={t('room.messages')}
          >
            <p class="error" role="alert" data-testid="room-error">
              {error}
            </p>
            {!ready && !error ? <p class="muted">{t('room.loading')}</p> : null}
            <RoomLineContext.Provider value={line}>
              {removed ? null : (
                <MessageList
                  view={feed.view}
                  myUserId={me}
                  roomName={room?.name ?? ''}
                  loadingOlder={loadingOlder}
                  onTop={loadOlder}
                  onBottom={loadNewer}
                  onLeaveBottom={() => feed.leaveBottom()}
                  onJump={jump}
                  onShowMissed={showMissed}
                  banner={<ConnectionBanner />}
                />
              )}
            </RoomLineContext.Provider>
            {ctx ? slots.overlay?.map((C, i) => <C key={i} {...ctx} />) : null}
            {block ? (
              <SendGate block={block} onJoined={() => setGateJoins((n) => n + 1)} />
            ) : (
              <Composer
                outgoing={outgoing}
                error={composerError}
                onSend={(text) => send(text)}
                onResend={(o) => send(o.text, o.key)}
                onDiscard={(o) => setOutgoing((list) => list.filter((x) => x.key !== o.key))}
                onError={(text, code) => setComposerError(code ? { text, code } : { text })}
              />
            )}
          </section>
          {ctx && slots.panel?.length ? (
            <aside class="room-panel">
              {slots.panel.map((C, i) => (
                <C key={i} {...ctx} />
              ))}
            </aside>
          ) : null}
        </div>
      </div>
    </Frame>
  );
}

/** The room inside another screen: a labelled region instead of a page with its own heading. */
function EmbeddedFrame(props: {
  title: string;
  class: string;
  testid: string;
  children?: ComponentChildren;
}) {
  return (
    <section class={`${props.class} embedded`} data-testid={props.testid} aria-label={props.title}>
      {props.children}
    </section>
  );
}

/** Whether `role` may read a room (public: any member; members-only: members and staff; admins always). */
function mayEnter(role: CommunityRole | null, membersOnly: boolean): boolean {
  if (session.user.value?.admin) return true;
  if (role === null) return false;
  return !membersOnly || role !== 'fan';
}

/** A refused send or a timeout as the modes banner explains it: code, wait and when it was told. */
function refusalOf(room: string, err: RealtimeError) {
  return {
    room,
    code: err.code,
    at: Date.now(),
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
  };
}
