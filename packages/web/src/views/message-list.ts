/**
 * The room's message list. Each message is shown once (keyed by server id), whatever mix of
 * archive pages, resume replays and live frames brought it. Own sends show as pending below the
 * list until the server acknowledges them and the real message arrives.
 */
import type { ChatMessage } from '@lightstick/protocol';
import { h } from '../dom.ts';
import { HIGHLIGHTED, roleBadge } from './badges.ts';

export interface PendingHandle {
  acked(mid: string): void;
  failed(reason: string): void;
}

const NEAR_PX = 80;

export class MessageList {
  readonly el: HTMLElement;
  private readonly list = h('ol', { class: 'messages', 'data-testid': 'message-list' });
  private readonly pending = h('ol', { class: 'messages pending', 'data-testid': 'pending-list' });
  private readonly byId = new Map<string, HTMLElement>();
  /** Acked sends whose message has not arrived yet, by message id. */
  private readonly waiting = new Map<string, HTMLElement>();

  constructor(private readonly myUserId: string | undefined) {
    this.el = h('div', { class: 'scroller', 'data-testid': 'message-scroller' }, this.list, this.pending);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Replaces everything shown with one archive page (first load, or a reload). */
  reset(msgs: ChatMessage[]): void {
    this.list.replaceChildren();
    this.byId.clear();
    this.append(msgs);
  }

  /** New messages at the bottom; already shown ones are skipped. Follows the bottom if it was there. */
  append(msgs: ChatMessage[]): void {
    const stick = this.nearBottom();
    for (const m of msgs) {
      if (this.byId.has(m.id)) continue;
      this.list.append(this.item(m));
      if (m.user.id === this.myUserId) this.waiting.get(m.id)?.remove();
      this.waiting.delete(m.id);
    }
    if (stick) this.scrollToBottom();
  }

  /** Messages that may belong before ones already shown (an archive page fetched after joining): placed by offset. */
  merge(msgs: ChatMessage[]): void {
    const items = [...this.list.children] as HTMLElement[];
    for (const m of msgs) {
      if (this.byId.has(m.id)) continue;
      const after = items.find(
        (li) => li.dataset.offset !== undefined && Number(li.dataset.offset) > m.pos.offset,
      );
      const li = this.item(m);
      if (after) after.before(li);
      else this.list.append(li);
    }
  }

  /** An older page at the top, keeping what the reader looks at in place. */
  prepend(msgs: ChatMessage[]): void {
    const before = this.el.scrollHeight;
    const items = msgs.filter((m) => !this.byId.has(m.id)).map((m) => this.item(m));
    this.list.prepend(...items);
    this.el.scrollTop += this.el.scrollHeight - before;
  }

  /** A line in the stream that is not a message (e.g. "12 messages skipped"). */
  notice(text: string): void {
    this.list.append(h('li', { class: 'notice', 'data-testid': 'notice' }, text));
    if (this.nearBottom()) this.scrollToBottom();
  }

  addPending(text: string): PendingHandle {
    const status = h('span', { class: 'status' }, 'sending…');
    const li = h(
      'li',
      { class: 'msg msg--mine msg--pending', 'data-testid': 'pending-message' },
      status,
      h('p', { class: 'text' }, text),
    );
    this.pending.append(li);
    this.scrollToBottom();
    return {
      acked: (mid) => {
        if (this.byId.has(mid)) return li.remove();
        status.textContent = 'sent';
        this.waiting.set(mid, li);
      },
      failed: (reason) => {
        li.classList.add('msg--failed');
        status.textContent = `not sent: ${reason}`;
        setTimeout(() => li.remove(), 8000);
      },
    };
  }

  nearBottom(): boolean {
    return this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < NEAR_PX;
  }

  scrollToBottom(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }

  private item(m: ChatMessage): HTMLElement {
    const highlighted = m.priority || HIGHLIGHTED.has(m.role);
    const classes = [
      'msg',
      highlighted ? 'msg--priority' : '',
      `msg--${m.role}`,
      m.user.id === this.myUserId ? 'msg--mine' : '',
    ];
    const time = new Date(m.ts);
    const li = h(
      'li',
      {
        class: classes.filter(Boolean).join(' '),
        'data-testid': 'message',
        'data-id': m.id,
        'data-offset': m.pos.offset,
        'data-role': m.role,
        'data-highlighted': highlighted ? 'true' : undefined,
      },
      h(
        'div',
        { class: 'meta' },
        h(
          'span',
          { class: 'author', 'data-testid': 'message-author', title: `@${m.user.name}` },
          m.user.displayName || m.user.name,
        ),
        m.role === 'fan' || m.role === 'member' ? null : roleBadge(m.role),
        h(
          'time',
          { datetime: time.toISOString() },
          time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
        ),
      ),
      h('p', { class: 'text', 'data-testid': 'message-text' }, m.text),
    );
    this.byId.set(m.id, li);
    return li;
  }
}
