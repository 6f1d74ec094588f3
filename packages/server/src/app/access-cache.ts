/**
 * Scale-out mode keeps PostgreSQL off the send path: the ack point is the room stream in Redis, so a send must
 * not fail (or wait) because the archive database is slow or down. The gateway and the send pipeline read rooms,
 * memberships and communities (whether a staff send gets a staff rate) through this read-through cache:
 * - a cached room, membership or community is used for `freshMs` before it is read again (role changes apply
 *   within it);
 * - when the database answers 'unavailable', the last known value is used, and the database is left alone for
 *   `retryMs` (no per-send connection timeouts during an outage); with nothing cached the call fails;
 * - "no such room" and "not a member" are never cached, so a fan who just joined a community is let in at once;
 * - read ahead: a value past half its `freshMs` is still answered at once and read again in the background (one
 *   read at a time per cached value), so a fan who keeps sending never waits for the database: waiting once
 *   every `freshMs` per sender was 24–67 ms on 10 % of sends on a saturated box (issue 6, stop 23 in
 *   docs/benchmarks.md). A value older than `freshMs` is still never used outside an outage.
 */
import type { LRUCache } from 'lru-cache';
import { boundedLru } from '../bounded-lru.ts';
import { isAppError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type {
  CommunityRecord,
  MembershipRecord,
  RoomRecord,
  SanctionRecord,
  Store,
} from '../storage/repositories.ts';

export interface AccessCacheOptions {
  runtime: Runtime;
  /** How long a cached value is used without asking the database (default 5 s). */
  freshMs?: number;
  /** After the database failed, how long it is not asked (default 2 s). */
  retryMs?: number;
  /** Entries kept per kind at most (default 50 000). */
  maxEntries?: number;
}

/** `readingAhead`: a read of this value's key is out in the background (one at a time per value). */
type Entry<T> = { value: T; at: number; readingAhead?: boolean };
const unavailable = (e: unknown) => !isAppError(e) || e.code === 'unavailable';

export function cachedAccessStore(store: Store, opts: AccessCacheOptions): Store {
  const freshMs = opts.freshMs ?? 5000;
  const retryMs = opts.retryMs ?? 2000;
  const max = opts.maxEntries ?? 50_000;
  const now = () => opts.runtime.now();
  let downUntil = 0;

  async function cached<T extends object>(
    cache: LRUCache<string, Entry<T>>,
    key: string,
    load: () => Promise<T | undefined>,
  ) {
    const hit = cache.get(key);
    const t = now();
    if (hit !== undefined) {
      const age = t - hit.at;
      if (age < freshMs / 2 || t < downUntil) return hit.value;
      if (age < freshMs) {
        readAhead(cache, key, hit, load);
        return hit.value;
      }
    }
    if (t < downUntil && hit === undefined) return load(); // nothing to fall back on: ask anyway
    try {
      const value = await load();
      keep(cache, key, value);
      return value;
    } catch (e) {
      if (!unavailable(e)) throw e;
      downUntil = now() + retryMs;
      if (hit !== undefined) return hit.value;
      throw e;
    }
  }

  function keep<T extends object>(cache: LRUCache<string, Entry<T>>, key: string, value: T | undefined) {
    if (value === undefined) cache.delete(key);
    else cache.set(key, { value, at: now() });
  }

  // A successful read replaces the entry (and with it the mark); a failed one clears the mark for a later try.
  function readAhead<T extends object>(
    cache: LRUCache<string, Entry<T>>,
    key: string,
    hit: Entry<T>,
    load: () => Promise<T | undefined>,
  ) {
    if (hit.readingAhead === true) return;
    hit.readingAhead = true;
    load().then(
      (value) => keep(cache, key, value),
      (e: unknown) => {
        hit.readingAhead = false;
        // Nobody waits for this read: an outage only starts the back-off; a later read reports the rest.
        if (unavailable(e)) downUntil = now() + retryMs;
      },
    );
  }

  // Least recently used entries are forgotten first past `max`.
  const rooms = boundedLru<string, Entry<RoomRecord>>(max);
  const memberships = boundedLru<string, Entry<MembershipRecord>>(max);
  const communities = boundedLru<string, Entry<CommunityRecord>>(max);
  // Bans and timeouts are read on every send: "none" ([]) is cached too, so a new ban reaches other processes
  // within `freshMs` (the realtime layer's control message makes it at once).
  const sanctions = boundedLru<string, Entry<SanctionRecord[]>>(max);
  return {
    ...store,
    rooms: bindAll(store.rooms, { byId: (id: string) => cached(rooms, id, () => store.rooms.byId(id)) }),
    communities: bindAll(store.communities, {
      byId: (id: string) => cached(communities, id, () => store.communities.byId(id)),
      membership: (communityId: string, userId: string) =>
        cached(memberships, `${communityId}\u0000${userId}`, () =>
          store.communities.membership(communityId, userId),
        ),
    }),
    sanctions: bindAll(store.sanctions, {
      of: (communityId: string, userId: string) =>
        cached(sanctions, `${communityId}\u0000${userId}`, () =>
          store.sanctions.of(communityId, userId),
        ).then((v) => v ?? []),
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
