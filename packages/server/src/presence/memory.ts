/**
 * In-process presence: room -> connection -> entry with an expiry. Expired entries are invisible at once and
 * removed when their room is next touched, so memory stays bounded by live members.
 */
import type { Runtime } from '../runtime.ts';
import type { PresenceEntry, PresenceStore } from './presence-store.ts';

interface Held {
  entry: PresenceEntry;
  expiresAt: number;
}

const SWEEP_EVERY_MS = 30_000;

export class MemoryPresenceStore implements PresenceStore {
  private readonly rooms = new Map<string, Map<string, Held>>();
  private lastSweep: number;

  constructor(private readonly runtime: Runtime) {
    this.lastSweep = runtime.now();
  }

  async join(room: string, entry: PresenceEntry, ttlMs: number): Promise<void> {
    const now = this.runtime.now();
    this.sweep(now);
    let members = this.rooms.get(room);
    if (members === undefined) {
      members = new Map();
      this.rooms.set(room, members);
    }
    members.set(entry.connectionId, { entry: { ...entry, seenAt: now }, expiresAt: now + ttlMs });
  }

  async leave(room: string, connectionId: string): Promise<void> {
    const members = this.rooms.get(room);
    if (members === undefined) return;
    members.delete(connectionId);
    if (members.size === 0) this.rooms.delete(room);
  }

  async list(room: string, limit: number): Promise<PresenceEntry[]> {
    const out: PresenceEntry[] = [];
    for (const held of this.live(room)) {
      if (out.length >= limit) break;
      out.push({ ...held.entry });
    }
    return out;
  }

  async stats(room: string): Promise<{ connections: number; users: number }> {
    const users = new Set<string>();
    let connections = 0;
    for (const held of this.live(room)) {
      connections++;
      users.add(held.entry.userId);
    }
    return { connections, users: users.size };
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }

  /** Rooms nobody looks at still lose their expired entries, at most once every SWEEP_EVERY_MS. */
  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const room of [...this.rooms.keys()]) this.live(room);
  }

  /** Live entries of a room; expired ones are removed on the way. */
  private live(room: string): Held[] {
    const members = this.rooms.get(room);
    if (members === undefined) return [];
    const now = this.runtime.now();
    const out: Held[] = [];
    for (const [id, held] of members) {
      if (held.expiresAt <= now) members.delete(id);
      else out.push(held);
    }
    if (members.size === 0) this.rooms.delete(room);
    return out;
  }
}
