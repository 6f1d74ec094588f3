/**
 * A chat room: the newest archive page, then live messages over the shared realtime client
 * (joined from the newest archived position, so nothing falls between the two), older pages
 * when scrolled to the top, and a composer whose sends show as pending until acknowledged.
 */
import type { RealtimeError } from '@lightstick/client';
import type { ChatMessage } from '@lightstick/protocol';
import { errorText, h } from '../dom.ts';
import { href } from '../router.ts';
import type { Session } from '../session.ts';
import { composer } from './composer.ts';
import { MessageList } from './message-list.ts';
import type { View } from './view.ts';

const PAGE = 50;
const TOP_PX = 48;

export function roomView(session: Session, roomId: string): View {
  const rt = session.realtime();
  const list = new MessageList(session.user?.id);
  const title = h('h1', { 'data-testid': 'room-title' }, 'Room');
  const back = h('a', { class: 'back', href: href({ name: 'home' }) }, '← Back');
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'room-error' });
  let prevCursor: number | null = null;
  let loadingOlder = false;
  let disposed = false;

  const box = composer((text) => {
    const pending = list.addPending(text);
    rt.send(roomId, text)
      .then((ack) => {
        pending.acked(ack.mid);
        box.error('');
      })
      .catch((err: RealtimeError) => {
        pending.failed(err.code === 'message_too_long' ? 'too long' : err.code);
        box.error(sendErrorText(err), err.code);
      });
  });

  const offs = [
    rt.on('messages', (e) => {
      if (e.room !== roomId) return;
      list.append(e.messages);
      if (e.skipped > 0) list.notice(`${e.skipped} messages skipped while the connection was slow`);
    }),
    rt.on('reload', (e) => e.room === roomId && void loadNewest()),
    rt.on('throttled', (e) => {
      if (e.room === roomId)
        box.error(`Slow down: sending again in ${Math.ceil(e.retryAfterMs / 1000)} s…`, 'rate_limited');
    }),
    rt.on('error', ({ error: err }) => {
      if (err.room === roomId) error.textContent = errorText(err);
    }),
  ];

  async function loadNewest(): Promise<ChatMessage[]> {
    const page = await session.api.messages(roomId, { limit: PAGE });
    if (disposed) return [];
    list.reset(page.messages);
    prevCursor = page.prevCursor;
    list.scrollToBottom();
    return page.messages;
  }

  async function loadOlder(): Promise<void> {
    if (loadingOlder || prevCursor === null || disposed) return;
    loadingOlder = true;
    try {
      const page = await session.api.messages(roomId, { before: prevCursor, limit: PAGE });
      list.prepend(page.messages);
      prevCursor = page.prevCursor;
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      loadingOlder = false;
    }
  }

  list.el.addEventListener('scroll', () => {
    if (list.el.scrollTop < TOP_PX) void loadOlder();
  });

  async function start(): Promise<void> {
    const room = await session.api.getRoom(roomId);
    title.textContent = `# ${room.name}`;
    back.href = href({ name: 'community', id: room.communityId });
    const newest = await loadNewest();
    if (disposed) return;
    const since = newest.at(-1)?.pos;
    await rt.join(roomId, since ? { since } : {});
    if (!since && !disposed) {
      // The archive was empty, so there was no position to resume from: a message committed between that fetch
      // and the join is in the archive now (it commits before it is published), so fetch once more and merge.
      const page = await session.api.messages(roomId, { limit: PAGE });
      if (!disposed) list.merge(page.messages);
      prevCursor ??= page.prevCursor;
    }
    el.dataset.joined = 'true';
    // A short first page cannot be scrolled: fetch older pages until it can.
    while (!disposed && prevCursor !== null && list.el.scrollHeight <= list.el.clientHeight)
      await loadOlder();
  }
  const el = h(
    'main',
    { class: 'room', 'data-testid': 'room', 'data-room': roomId },
    h('header', { class: 'room-head' }, back, title),
    error,
    list.el,
    box.el,
  );
  start()
    .then(() => box.focus())
    .catch((err: unknown) => (error.textContent = errorText(err)));

  return {
    el,
    dispose() {
      disposed = true;
      for (const off of offs) off();
      void rt.leave(roomId).catch(() => undefined);
    },
  };
}

function sendErrorText(err: RealtimeError): string {
  if (err.code === 'message_too_long') return 'That message is too long.';
  if (err.code === 'rate_limited') return 'You are sending too fast; wait a moment.';
  if (err.code === 'forbidden') return err.message || 'You cannot post in this room.';
  return errorText(err);
}
