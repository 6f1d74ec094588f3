/** Who is in a room, across nodes. A member is (user, connection); entries expire unless refreshed. */
export interface PresenceEntry {
  connectionId: string;
  userId: string;
  name: string;
  node: string;
  /** ms since the epoch of the last add or refresh. */
  seenAt: number;
}

export interface PresenceStore {
  /** Adds or refreshes the member; entries not refreshed within `ttlMs` disappear from list and stats. */
  join(room: string, entry: PresenceEntry, ttlMs: number): Promise<void>;
  leave(room: string, connectionId: string): Promise<void>;
  /** Live members, at most `limit`, in no set order. */
  list(room: string, limit: number): Promise<PresenceEntry[]>;
  /** Counts of live connections and of distinct users. */
  stats(room: string): Promise<{ connections: number; users: number }>;
  close(): Promise<void>;
}
