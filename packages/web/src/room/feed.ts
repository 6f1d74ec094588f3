/**
 * The model behind a room's message list, kept apart from the DOM so its bounds are plain to see and test.
 * `all` holds what this page keeps in memory (at most MEMORY_MAX entries); the list renders only the
 * window [start, end) of it: while the fan follows the live end, the newest LIVE_WINDOW entries; while they
 * read back, a window of at most READ_WINDOW that moves as they scroll, with new messages counted, not drawn.
 * When more arrives than memory keeps, or the server says the gap cannot be resumed (`reload`), the list
 * starts again from the newest archive page and says how many messages were missed, with a way to read
 * them from the archive ("archive mode": pages fetched by cursor until the live end is reached again).
 */
import type { ChatMessage, MessagePage } from '@lightstick/protocol';
import { signal } from '@preact/signals';

export type Entry =
  { kind: 'msg'; id: string; m: ChatMessage } | { kind: 'notice'; id: string; skipped: number };

/** Entries drawn while following the live end: the DOM never holds more than this many messages. */
export const LIVE_WINDOW = 200;
/** Entries drawn while reading back. */
export const READ_WINDOW = 400;
/** How far a window moves per scroll step. */
export const STEP = 100;
/** Entries kept in memory; past it while reading back, the newest are counted and dropped (a gap). */
export const MEMORY_MAX = 5_000;

export interface View {
  entries: Entry[];
  /** Following the live end (auto-scroll on). */
  following: boolean;
  /** Messages after the window that the fan has not seen (the "new messages" count). */
  unseen: number;
  /** The first entry drawn is the first message of the room. */
  startOfRoom: boolean;
  /** Missed while away: a count (or -1 when unknown), or null. */
  missed: number | null;
  /** Reading the archive rather than the live end. */
  archive: boolean;
}

export class Feed {
  readonly view = signal<View>({
    entries: [],
    following: true,
    unseen: 0,
    startOfRoom: false,
    missed: null,
    archive: false,
  });
  private all: Entry[] = [];
  private ids = new Set<string>();
  private start = 0;
  private end = 0;
  private following = true;
  /** Archive cursor older than all[0]; null: the room starts at all[0]; undefined: not known (trimmed). */
  private prev: number | null | undefined = undefined;
  /** Archive mode: the cursor of the next newer page, or null when the archive's end was reached. */
  private next: number | null = null;
  private archive = false;
  /** Seq of the first message of the newest archive page loaded in live mode: where missed reading starts. */
  anchor = 0;
  /** Messages counted but dropped (reading back past memory, or archive mode). */
  private dropped = 0;
  private missed: number | null = null;
  private lastOffset = 0;
  private notices = 0;

  get size(): number {
    return this.all.length;
  }

  /** The newest archive page: what a room opens with, and where it starts again after a gap. */
  reset(page: MessagePage, missed: number | null = null): void {
    this.all = [];
    this.ids.clear();
    this.add(page.messages);
    this.prev = page.prevCursor;
    // After a gap the reading of what was missed starts where the fan was, not at the new page.
    if (missed === null) this.anchor = page.prevCursor ?? 0;
    this.archive = false;
    this.following = true;
    this.dropped = 0;
    this.missed = missed;
    this.lastOffset = page.messages.at(-1)?.pos.offset ?? this.lastOffset;
    this.followEnd();
  }

  /**
   * Messages a moderator deleted: gone for fans; for moderators (`keep`) left in place, marked deleted (the
   * server keeps them for moderators too, with who deleted them).
   */
  deleted(mids: readonly string[], keep: boolean): void {
    const gone = new Set(mids);
    const hit = (e: Entry) => e.kind === 'msg' && gone.has(e.id);
    if (!this.all.some(hit)) return;
    if (keep) {
      const at = Date.now();
      this.all = this.all.map((e) =>
        e.kind === 'msg' && hit(e) && !e.m.deleted
          ? { ...e, m: { ...e.m, deleted: { by: { id: '', name: '' }, at } } }
          : e,
      );
      return this.publish();
    }
    // Keep the drawn window on the same messages: shift it by what was removed before and inside it.
    const removedBefore = (i: number) => this.all.slice(0, i).filter(hit).length;
    const start = this.start - removedBefore(this.start);
    const end = this.end - removedBefore(this.end);
    this.all = this.all.filter((e) => !hit(e));
    for (const id of gone) this.ids.delete(id);
    this.start = start;
    this.end = end;
    if (this.following) return this.followEnd();
    this.publish();
  }

  /** Live messages (each once, in order, from the SDK). */
  live(msgs: ChatMessage[], skipped = 0): void {
    if (skipped > 0 && !this.archive) this.all.push({ kind: 'notice', id: `n${++this.notices}`, skipped });
    for (const m of msgs) if (m.pos.offset > this.lastOffset) this.lastOffset = m.pos.offset;
    if (this.archive) {
      this.dropped += msgs.length; // the archive holds them: reached by paging
      return this.publish();
    }
    this.add(msgs);
    if (this.following) return this.followEnd();
    // Reading back: keep memory bounded by dropping the newest (counted, shown as missed on return).
    const over = this.all.length - MEMORY_MAX;
    if (over > 0) {
      for (const e of this.all.splice(this.all.length - over, over)) this.ids.delete(e.id);
      this.dropped += over;
    }
    this.publish();
  }

  /** The offset of the newest live message seen: with a `reload` position, the size of the gap. */
  get newestOffset(): number {
    return this.lastOffset;
  }

  /** The fan scrolled to the bottom of the window: draw newer entries, or follow the live end again. */
  atBottom(): boolean {
    if (this.following) return false;
    if (this.end < this.all.length) {
      this.end = Math.min(this.all.length, this.end + STEP);
      this.start = Math.max(this.start, this.end - READ_WINDOW);
      this.publish();
      return true;
    }
    if (this.archive || this.dropped > 0) return false; // the newer messages are not here: the button says so
    this.followEnd();
    return true;
  }

  /** The fan scrolled up from the bottom: stop following (new messages are counted). */
  leaveBottom(): void {
    if (!this.following) return;
    this.following = false;
    this.publish();
  }

  /** Near the top: draw older kept entries; false when the archive must be asked (see `olderCursor`). */
  atTop(): boolean {
    if (this.start === 0) return false;
    this.following = false;
    this.start = Math.max(0, this.start - STEP);
    this.end = Math.min(this.end, this.start + READ_WINDOW);
    this.publish();
    return true;
  }

  /** The cursor for the archive page before everything kept, or null when there is none to ask. */
  get olderCursor(): number | null {
    return this.start === 0 && typeof this.prev === 'number' ? this.prev : null;
  }

  /** An older archive page, above everything kept. */
  prepend(page: MessagePage): void {
    const fresh = page.messages.filter((m) => !this.ids.has(m.id));
    for (const m of fresh) this.ids.add(m.id);
    this.all.unshift(...fresh.map((m): Entry => ({ kind: 'msg', id: m.id, m })));
    this.prev = page.prevCursor;
    this.following = false;
    this.end = Math.min(this.end + fresh.length, fresh.length + READ_WINDOW);
    this.start = 0;
    this.trimMemoryTail();
    this.publish();
  }

  /** "Show them": read the missed messages from the archive, starting at `anchor`. */
  enterArchive(page: MessagePage): void {
    this.all = [];
    this.ids.clear();
    this.add(page.messages);
    this.prev = page.prevCursor;
    this.next = page.nextCursor;
    this.archive = true;
    this.following = false;
    this.missed = null;
    this.start = 0;
    this.end = Math.min(this.all.length, READ_WINDOW);
    this.publish();
  }

  /** In archive mode at the bottom: the cursor of the next page, or null when caught up. */
  get newerCursor(): number | null {
    return this.archive && this.end === this.all.length ? this.next : null;
  }

  /** A newer archive page while reading missed messages; caught up when it is the last. */
  appendArchive(page: MessagePage): void {
    this.add(page.messages);
    this.next = page.nextCursor;
    if (this.next === null) {
      this.archive = false; // caught up: live messages from here on are drawn again
      this.dropped = 0;
    }
    this.end = Math.min(this.all.length, this.end + STEP * 2);
    this.start = Math.max(this.start, this.end - READ_WINDOW);
    const over = this.start - STEP;
    if (over > 0) this.dropHead(over);
    this.publish();
  }

  /** True when returning to the live end needs the newest archive page (something was dropped). */
  get needsReload(): boolean {
    return this.archive || this.dropped > 0;
  }

  get droppedCount(): number {
    return this.dropped;
  }

  /** "Jump to latest" without a gap: follow the live end again. */
  jumpToEnd(): void {
    this.followEnd();
  }

  dismissMissed(): void {
    this.missed = null;
    this.publish();
  }

  private add(msgs: ChatMessage[]): void {
    for (const m of msgs) {
      if (this.ids.has(m.id)) continue;
      this.ids.add(m.id);
      this.all.push({ kind: 'msg', id: m.id, m });
    }
  }

  private followEnd(): void {
    this.following = true;
    const over = this.all.length - MEMORY_MAX;
    if (over > 0) this.dropHead(over);
    this.end = this.all.length;
    this.start = Math.max(0, this.end - LIVE_WINDOW);
    this.publish();
  }

  private dropHead(n: number): void {
    for (const e of this.all.splice(0, n)) this.ids.delete(e.id);
    this.start = Math.max(0, this.start - n);
    this.end = Math.max(0, this.end - n);
    this.prev = undefined; // the archive cursor of the new first entry is not known
  }

  private trimMemoryTail(): void {
    const over = this.all.length - MEMORY_MAX;
    if (over <= 0) return;
    for (const e of this.all.splice(this.all.length - over, over)) this.ids.delete(e.id);
    this.dropped += over;
  }

  private publish(): void {
    const unseen = this.all.slice(this.end).filter((e) => e.kind === 'msg').length + this.dropped;
    this.view.value = {
      entries: this.all.slice(this.start, this.end),
      following: this.following,
      unseen: this.following ? 0 : unseen,
      startOfRoom: this.start === 0 && this.prev === null && !this.archive,
      missed: this.missed,
      archive: this.archive,
    };
  }
}
