/**
 * Fandom on one gateway node: what a join adds (the room's `mode`, `pinned` and live `spotlight` frames, the
 * replay without deleted messages for fans and with who deleted them for moderators, cut before what a fan
 * delay holds), heart taps (hearts.ts), the artist spotlight, and the node's fan delay gate (fan-delay.ts). The
 * control handlers that act on moderation changes are in fandom-control.ts. Kept out of ops.ts and hub.ts so
 * the engine's files stay about delivery.
 */
import {
  FandomLimits,
  type AuthorRole,
  type CommunityRole,
  type ChatMessage,
  type HeartOp,
  type AheadFrame,
  type HeldFrame,
  type Position,
  type RoomMode,
  type SpotlightFrame,
} from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { can } from '../auth/powers.ts';
import { ensureCanJoin } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import type { Publication } from '../broker/broker.ts';
import type { RoomRecord, Store } from '../storage/repositories.ts';
import { Cached } from '../read-through-cache.ts';
import { toRoomMode } from '../moderation/room-modes.ts';
import type { Logger } from '../observability/logger.ts';
import { prepare } from './connection.ts';
import { FanDelay } from './fan-delay.ts';
import { ReplayDeletions } from './replay-deletions.ts';
import { Hearts } from './hearts.ts';
import type { Hub } from './hub.ts';
import type { Subscriber } from './outbox.ts';
import type { RoomCounters } from './room-counters.ts';
import type { Scheduler } from './scheduler.ts';
import type { Session } from './session.ts';

/** What a connection holds in a room it joined: the room and the role it acts with there. */
export interface RoomGrantInfo {
  room: RoomRecord;
  role: AuthorRole;
}

export type RecentChange =
  { kind: 'ban' } | { kind: 'role'; role: CommunityRole | null } | { kind: 'lifted' };

/** Longer than the scale-out access cache's freshness (5 s). */
const RECENT_MS = 15_000;

export interface GatewayFandomDeps {
  store: Pick<Store, 'moderation'>;
  /** The send checks' mode cache, shared so a `mode` control message makes this process enforce it at once. */
  modes?: Cached<RoomMode>;
  counters: Pick<RoomCounters, 'count' | 'contribute' | 'shape'>;
  countersIntervalMs: number;
  scheduler: Scheduler;
  /** Wall clock (ms since the epoch): spotlight expiry. */
  now: () => number;
  logger: Logger;
}

export class GatewayFandom {
  readonly hearts: Hearts;
  readonly fanDelay: FanDelay;
  readonly modes: Cached<RoomMode>;
  readonly pins: Cached<ChatMessage | null>;
  private readonly replayDeletions: ReplayDeletions;
  /**
   * Each connection's grant in the rooms it joined: the one room most fans are in as the grant itself, a Map from
   * a second room on (V8 gives every Map a hash table of ~150 bytes from its first entry: per connection, that
   * was a tenth of what a Lightstick connection holds beyond a bare WebSocket; docs/benchmarks.md "Stop 27").
   */
  private readonly grants = new WeakMap<Subscriber, RoomGrantInfo | Map<string, RoomGrantInfo>>();
  private readonly spotlights = new Map<string, SpotlightFrame>();
  /**
   * Bans and role changes told by control messages in the last RECENT_MS, by community and person: a join
   * re-checked against them, since this process may read memberships and sanctions through a cache (scale-out:
   * up to 5 s old) that does not know yet.
   */
  private readonly recent = new Map<string, { change: RecentChange; until: number }>();
  private hub: Pick<Hub, 'publishLocal' | 'release' | 'members'> | undefined;

  constructor(private readonly deps: GatewayFandomDeps) {
    const runtime = { now: deps.now };
    const log = deps.logger.child({ component: 'fandom' });
    this.modes =
      deps.modes ??
      new Cached<RoomMode>(async (room) => toRoomMode(await deps.store.moderation.roomMode(room), room), {
        runtime,
        freshMs: 1000,
        fallback: (room) => toRoomMode(undefined, room),
        onError: (err, room) => log.warn({ err, room }, 'room mode unavailable; using the last known'),
      });
    this.replayDeletions = new ReplayDeletions({ store: deps.store, now: deps.now, freshMs: 1000 });
    this.pins = new Cached<ChatMessage | null>(
      async (room) => {
        const pin = await deps.store.moderation.pin(room);
        if (pin === undefined) return null;
        const deleted = await deps.store.moderation.deletions([pin.message.id]);
        return deleted.length > 0 ? null : pin.message;
      },
      {
        runtime,
        freshMs: 1000,
        fallback: () => null,
        onError: (err, room) => log.warn({ err, room }, 'pinned message unavailable'),
      },
    );
    this.hearts = new Hearts(deps.counters, deps.countersIntervalMs, () => deps.scheduler.now());
    this.fanDelay = new FanDelay({
      scheduler: deps.scheduler,
      release: (room, message) => this.hub?.release(room, [message]),
      skip: (room, pos) =>
        this.hub?.publishLocal(room, prepare({ t: 'msgs', room, msgs: [], skipped: 1, upto: pos })),
      onHold: (room, message, releaseAt) => this.showHeld(room, message, releaseAt),
      // Staff messages are never delayed: the whole room sees one at once, on the priority lane.
      onAhead: (room, message) =>
        this.hub?.publishLocal(room, prepare({ t: 'ahead', room, message } satisfies AheadFrame), {
          priority: true,
        }),
    });
  }

  /** The hub this node delivers through (it is built with the fan delay gate, so it comes after). */
  attach(hub: Pick<Hub, 'publishLocal' | 'release' | 'members'>): void {
    this.hub = hub;
  }

  /** Every publication this node receives (after the Hub): an artist's message goes into the spotlight. */
  observe(room: string, pub: Publication): void {
    if (pub.kind !== 'message' || pub.message.role !== 'artist') return;
    const frame: SpotlightFrame = {
      t: 'spotlight',
      room,
      message: pub.message,
      until: pub.message.ts + FandomLimits.spotlightMs,
    };
    this.spotlights.set(room, frame);
    // Called after the Hub took the message: the frame follows it, on the priority lane.
    this.hub?.publishLocal(room, prepare(frame), { priority: true });
  }

  /** Before a connection enters a room: the mode is read first so the node's fan delay gates from the start. */
  async beforeJoin(room: string): Promise<RoomMode> {
    const mode = await this.modes.get(room);
    this.fanDelay.setDelay(room, mode.fanDelayMs);
    return mode;
  }

  /**
   * The join replay as this person may see it: deleted messages left out for fans (kept, marked with who
   * deleted them, for moderators), and nothing from the first message the fan delay holds on (the position is
   * moved back before it, so the held ones follow live when they are due).
   */
  async replay(
    roomId: string,
    role: AuthorRole,
    messages: ChatMessage[],
    top: Position,
  ): Promise<{ messages: ChatMessage[]; top: Position }> {
    const held = this.fanDelay.firstHeld(roomId);
    if (held !== undefined && held.epoch === top.epoch && held.offset <= top.offset) {
      top = { epoch: top.epoch, offset: held.offset - 1 };
      messages = messages.filter((m) => m.pos.epoch !== held.epoch || m.pos.offset < held.offset);
    }
    if (messages.length === 0) return { messages, top };
    const deleted = await this.replayDeletions.among(
      roomId,
      messages.map((m) => m.id),
    );
    if (deleted.length === 0) return { messages, top };
    const by = new Map(deleted.map((d) => [d.messageId, { by: d.by, at: d.at }]));
    const out = can(role, 'message.viewDeleted')
      ? messages.map((m) => (by.has(m.id) ? { ...m, deleted: by.get(m.id)! } : m))
      : messages.filter((m) => !by.has(m.id));
    return { messages: out, top };
  }

  /**
   * After `joined` is written: the room's mode, pin, live spotlight, staff messages waiting behind held fan
   * messages, and (moderators) what the delay holds.
   */
  async joined(session: Session, grant: RoomGrantInfo, mode: RoomMode): Promise<void> {
    const room = grant.room.id;
    const held = this.grants.get(session);
    if (held instanceof Map) held.set(room, grant);
    else if (held === undefined || held.room.id === room) this.grants.set(session, grant);
    else this.grants.set(session, new Map([held, grant].map((g) => [g.room.id, g])));
    const { room: _r, ...fields } = mode;
    session.reply({ t: 'mode', room, ...fields });
    session.reply({ t: 'pinned', room, message: await this.pins.get(room) });
    const spot = this.spotlights.get(room);
    if (spot !== undefined && spot.until > this.deps.now()) session.reply(spot);
    for (const message of this.fanDelay.ahead(room)) session.reply({ t: 'ahead', room, message });
    if (can(grant.role, 'message.viewDeleted')) {
      for (const h of this.fanDelay.held(room)) {
        session.reply({ t: 'held', room, message: h.message, releaseAt: h.message.ts + h.delayMs });
      }
    }
  }

  /** A ban, lift or role change told by a control message: joins here honour it at once. */
  remember(communityId: string, userId: string, change: RecentChange): void {
    const now = this.deps.now();
    for (const [k, v] of this.recent) if (v.until <= now) this.recent.delete(k);
    const key = `${communityId}\u0000${userId}`;
    const before = this.recent.get(key)?.change;
    // A role change does not lift a ban; a lift forgets both.
    if (change.kind === 'role' && before?.kind === 'ban') return;
    this.recent.set(key, { change, until: now + RECENT_MS });
  }

  /** Throws as the join guard would, when a recent ban or role change says so (the access read may be stale). */
  checkRecent(principal: Principal, grant: RoomGrantInfo): AuthorRole {
    const hit = this.recent.get(`${grant.room.communityId}\u0000${principal.userId}`);
    if (hit === undefined || hit.until <= this.deps.now() || hit.change.kind === 'lifted') return grant.role;
    if (hit.change.kind === 'ban') throw new AppError('banned', 'You are banned from this community');
    const role = hit.change.role;
    const membership =
      role === null
        ? undefined
        : { communityId: grant.room.communityId, userId: principal.userId, role, joinedAt: 0 };
    return ensureCanJoin(principal, grant.room, membership);
  }

  left(session: Subscriber, room: string): void {
    const held = this.grants.get(session);
    if (held instanceof Map) held.delete(room);
    else if (held?.room.id === room) this.grants.delete(session);
  }

  /** The rooms a connection holds in a community, with its grant in each. */
  roomsIn(session: Subscriber, communityId: string): RoomGrantInfo[] {
    const held = this.grants.get(session);
    if (held === undefined) return [];
    const all = held instanceof Map ? [...held.values()] : [held];
    return all.filter((g) => g.room.communityId === communityId);
  }

  private grantIn(session: Subscriber, room: string): RoomGrantInfo | undefined {
    const held = this.grants.get(session);
    if (held instanceof Map) return held.get(room);
    return held?.room.id === room ? held : undefined;
  }

  heart(session: Session, op: HeartOp): void {
    if (session.rooms.get(op.room) !== 'joined') {
      throw new AppError('not_joined', 'Join the room before sending hearts');
    }
    this.hearts.tap(session.principal!.userId, op.room, op.count);
  }

  /** A message was deleted: it leaves the spotlight (clients drop it on the `deleted` frame). */
  deleted(room: string, mids: readonly string[]): void {
    this.fanDelay.drop(room, mids);
    const spot = this.spotlights.get(room);
    if (spot !== undefined && mids.includes(spot.message.id)) this.spotlights.delete(room);
    this.pins.forget(room);
    this.replayDeletions.forget(room);
  }

  private showHeld(room: string, message: ChatMessage, releaseAt: number): void {
    if (this.hub === undefined) return;
    let frame: ReturnType<typeof prepare> | undefined;
    for (const sub of this.hub.members(room)) {
      const g = this.grantIn(sub, room);
      if (g === undefined || !can(g.role, 'message.viewDeleted')) continue;
      frame ??= prepare({ t: 'held', room, message, releaseAt } satisfies HeldFrame);
      sub.connection.write(frame);
    }
  }
}
