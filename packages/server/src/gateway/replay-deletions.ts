/**
 * The deletions among a join's replay, read through a short memory per room. Every join of a busy room replays
 * the same recent messages, and asking the store about them on each join was one PostgreSQL query per join
 * (about 5 % of the gateways' CPU while 100 000 fans connected, docs/benchmarks.md). Per room, what the store
 * said about each message id (deleted, by whom, or not) is kept for `freshMs`; only ids not known yet are read,
 * one read at a time per room; a deletion told by a control message forgets the room at once (fandom.ts), so
 * `freshMs` only bounds how long a lost control message can leave a deleted message in replays. A store that
 * cannot answer fails the join as before.
 */
import type { DeletionRecord } from '../storage/moderation-records.ts';
import type { Store } from '../storage/repositories.ts';

interface RoomEntry {
  at: number;
  known: Map<string, DeletionRecord | null>;
  reading: Promise<void> | undefined;
}

export class ReplayDeletions {
  private readonly rooms = new Map<string, RoomEntry>();

  constructor(
    private readonly deps: {
      store: Pick<Store, 'moderation'>;
      now: () => number;
      freshMs: number;
      /** Rooms remembered at most; the least recently refreshed goes first. */
      maxRooms?: number;
    },
  ) {}

  /** The deletions among `ids` (any order; ids not deleted are left out). */
  async among(room: string, ids: readonly string[]): Promise<DeletionRecord[]> {
    const entry = this.entry(room);
    for (;;) {
      const unknown = ids.filter((id) => !entry.known.has(id));
      if (unknown.length === 0) break;
      // One read per room at a time: a burst of joins to a cold room asks the store once.
      entry.reading ??= this.read(entry, unknown);
      await entry.reading;
    }
    return ids.flatMap((id) => {
      const d = entry.known.get(id);
      return d ? [d] : [];
    });
  }

  /** A message of the room was deleted: the next join reads again. */
  forget(room: string): void {
    this.rooms.delete(room);
  }

  private entry(room: string): RoomEntry {
    const now = this.deps.now();
    const hit = this.rooms.get(room);
    if (hit !== undefined && now - hit.at < this.deps.freshMs) return hit;
    const entry: RoomEntry = { at: now, known: new Map(), reading: undefined };
    this.rooms.delete(room);
    this.rooms.set(room, entry);
    if (this.rooms.size > (this.deps.maxRooms ?? 10_000)) {
      this.rooms.delete(this.rooms.keys().next().value!);
    }
    return entry;
  }

  private async read(entry: RoomEntry, ids: string[]): Promise<void> {
    try {
      const found = await this.deps.store.moderation.deletions(ids);
      for (const id of ids) entry.known.set(id, null);
      for (const d of found) entry.known.set(d.messageId, d);
    } finally {
      entry.reading = undefined;
    }
  }
}
