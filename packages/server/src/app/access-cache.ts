/**
 * Scale-out mode keeps PostgreSQL off the send path: the ack point is the room stream in Redis, so a send must
 * not fail (or wait) because the archive database is slow or down. The gateway and the send pipeline read rooms,
 * memberships, communities (whether a staff send gets a staff rate) and sanctions through the server's
 * read-through cache (read-through-cache.ts: fresh for `freshMs`, read ahead past half of it, the last known
 * value while the database is unavailable), with these choices:
 * - role changes apply within `freshMs` (5 s by default);
 * - with nothing cached, a failed read fails the call: there is no safe default for a room or a membership;
 * - "no such room" and "not a member" are never cached, so a fan who just joined a community is let in at once;
 * - the four kinds share one back-off, as they share one database.
 */
import { Cached, Outage } from '../read-through-cache.ts';
import type { Runtime } from '../runtime.ts';
import type { Store } from '../storage/repositories.ts';
import { pairBatcher, pairKey } from './pair-batches.ts';

export interface AccessCacheOptions {
  runtime: Runtime;
  /** How long a cached value is used without asking the database (default 5 s). */
  freshMs?: number;
  /** After the database failed, how long it is not asked (default 2 s). */
  retryMs?: number;
  /** Entries kept per kind at most (default 50 000). */
  maxEntries?: number;
}

export function cachedAccessStore(store: Store, opts: AccessCacheOptions): Store {
  // One database behind all four: when it fails, none of them asks it for `retryMs`.
  const outage = new Outage();
  const cache = <T>(load: (key: string) => Promise<T | undefined>) =>
    new Cached<T | undefined>(load, {
      runtime: opts.runtime,
      freshMs: opts.freshMs ?? 5000,
      retryMs: opts.retryMs ?? 2000,
      maxEntries: opts.maxEntries ?? 50_000,
      keep: (value) => value !== undefined,
      outage,
    });
  const rooms = cache((id) => store.rooms.byId(id));
  const communities = cache((id) => store.communities.byId(id));
  // Memberships and sanctions are read per fan: the misses of many fans at once leave in one read per community
  // (pair-batches.ts).
  const memberships = cache(pairBatcher((c, ids) => store.communities.membershipsAmong(c, ids)));
  // Bans and timeouts are read on every send: "none" ([]) is cached too, so a new ban reaches other processes
  // within `freshMs` (the realtime layer's control message makes it at once).
  const sanctionsAmong = pairBatcher((c, ids) => store.sanctions.among(c, ids));
  const sanctions = cache(async (key) => (await sanctionsAmong(key)) ?? []);
  return {
    ...store,
    rooms: bindAll(store.rooms, { byId: (id: string) => rooms.get(id) }),
    communities: bindAll(store.communities, {
      byId: (id: string) => communities.get(id),
      membership: (communityId: string, userId: string) => memberships.get(pairKey(communityId, userId)),
    }),
    sanctions: bindAll(store.sanctions, {
      of: async (communityId: string, userId: string) =>
        (await sanctions.get(pairKey(communityId, userId))) ?? [],
    }),
  };
}

/** A copy of a repository object with its methods bound to it, some replaced. */
function bindAll<T extends object>(repo: T, overrides: Partial<T>): T {
  const out: Record<string, unknown> = {};
  let proto: object | null = repo;
  while (proto !== null && proto !== Object.prototype) {
    for (const k of Object.getOwnPropertyNames(proto)) {
      const v = (repo as Record<string, unknown>)[k];
      if (k !== 'constructor' && typeof v === 'function' && !(k in out)) out[k] = v.bind(repo);
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return { ...out, ...overrides } as T;
}
