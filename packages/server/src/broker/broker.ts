/**
 * The Broker seam, after centrifuge's: it crosses nodes AND owns each room's short history. One `publish`
 * rate-limits, dedups, appends to the room's history and publishes, atomically, and returns the position
 * (Redis: ONE script call per send); `history` reads what a resuming client missed. Nodes subscribe a room on
 * its first local member and unsubscribe on its last, and every subscribed node, the publisher's own included,
 * is called back with each publication, so local and remote fan-out are one path. Control messages reach one
 * node or all of them. The embedded group-committed archive wraps the in-process broker (PositionedBroker):
 * there the archive assigns positions and the broker adopts them.
 */
import type { ChatMessage, Position } from '@lightstick/protocol';
import type { RateRule } from '../ratelimit/rate-limiter.ts';
import type { MessageDraft } from '../storage/repositories.ts';

/**
 * What crosses nodes on a room channel: a chat message with its position, or an ephemeral room frame (no
 * position, no history: `stats`, `deleted`, live state...) as its JSON text, serialised once by the publisher.
 */
export type Publication =
  { kind: 'message'; message: ChatMessage } | { kind: 'event'; json: string; priority: boolean };

/** Node-to-node control messages (gateway/control.ts gives them types and handlers). */
export interface ControlMessage {
  type: string;
  /** Target node id, or undefined for all nodes. */
  node?: string;
  data?: unknown;
}

export interface BrokerHandlers {
  /** Called for every publication on a subscribed room, this node's own included, in publish order per room. */
  onPublication(room: string, pub: Publication): void;
  onControl(msg: ControlMessage): void;
}

export interface HistoryOptions {
  /** Entries kept per room; older ones are trimmed. */
  maxSize: number;
  /** Entries older than this are trimmed (ms); a room idle this long with nothing to archive starts over. */
  ttlMs: number;
}

export type HistoryRead =
  | { recoverable: true; messages: ChatMessage[]; top: Position }
  /** `since` has another epoch, or fell out of the retained window: the client must reload. */
  | { recoverable: false; top: Position };

/**
 * Token buckets a send takes from, atomically with the append. Keys are per room: the sender's bucket is per
 * (user, room), the ceiling per room. The rules come from Config by the sender's role (send-rate.ts); an
 * absent rule means no limit of that kind (artists and owners).
 */
export interface SendRate {
  user?: RateRule;
  room?: RateRule;
}

export interface PublishOptions {
  history: HistoryOptions;
  /** How long a (room, user, cid) is remembered: a resend within it gets the stored message back. */
  dedupTtlMs: number;
  /**
   * Scale-out: unarchived entries a room may hold; at the bound publish refuses with 'unavailable'. 0: no
   * archive reads these streams, so entries are trimmed by size and age as soon as they are due.
   */
  maxBacklog: number;
  rate?: SendRate;
}

export interface Published {
  /** The stored message with its position: the original one when `duplicate`. */
  message: ChatMessage;
  duplicate: boolean;
}

export interface Broker {
  /** Registers the node's handlers; called once before any subscribe. */
  start(handlers: BrokerHandlers): Promise<void>;
  /**
   * Atomically, per room, in this order: a resend of a known (room, user, cid) returns the stored message with
   * duplicate=true (nothing taken, stored or published); the rate buckets are checked and, only when all
   * allow, each loses a token (refused: AppError('rate_limited') with retryAfterMs, nothing stored); the
   * backlog bound is checked (AppError('unavailable')); the next position is assigned (a new epoch, offsets
   * from 1, when the room's history was lost or expired), the message appended to the room's history,
   * trimmed by size and age, and published to every subscribed node. Never publishes without storing.
   * Throws AppError('unavailable') when the broker cannot be reached; then nothing, or everything, happened.
   */
  publish(draft: MessageDraft, opts: PublishOptions): Promise<Published>;
  /**
   * An ephemeral frame for every subscribed node's local members of `room`: no position, no history, at most
   * once; `priority` frames skip the flush interval. Resolves once accepted; AppError('unavailable').
   */
  publishEvent(room: string, event: { json: string; priority: boolean }): Promise<void>;
  /**
   * Messages after `since`, in order, at most `limit`; with no `since`, only `top` (messages: []). Not
   * recoverable when the epoch differs, entries after `since` were trimmed, or more than `limit` are missing.
   * Creates the room's epoch when the room is new. Offsets within an epoch are consecutive from 1; 0 is "none".
   * A node subscribed to the room may answer a read with no `since` from the top it read and heard on that
   * subscription (Redis: broker/room-tops.ts), which is as exact as a read: later messages reach it live.
   */
  history(room: string, opts: { since?: Position; limit: number }): Promise<HistoryRead>;
  /** Idempotent; resolves when publications of these rooms will be delivered to this node. */
  subscribe(rooms: string[]): Promise<void>;
  unsubscribe(rooms: string[]): Promise<void>;
  /** Sends to one node (msg.node) or all nodes, this one included; at most once. */
  control(msg: ControlMessage): Promise<void>;
  /** True while the broker can deliver (readiness). */
  ready(): boolean;
  /**
   * Changes whenever this node may have missed publications or control messages (its subscription went down),
   * and is negative while it may be missing them: what a cache learnt from what the node hears holds only
   * while this number stays the same (app/revocation-cache.ts). In-process: never changes.
   */
  continuity(): number;
  close(): Promise<void>;
}

/**
 * Embedded mode: the group-committed SQLite archive assigns positions (its transaction is the ack point), then
 * hands each stored message to the in-process broker, which adopts the position. Rate limits run before the
 * archive (`take`), dedup in the archive.
 */
export interface PositionedBroker extends Broker {
  /**
   * Before the archive: a resend of a (room, user, cid) published within its dedup ttl returns the stored
   * message (nothing taken); otherwise one token is taken from each bucket of `rate`, all or none (refused:
   * AppError('rate_limited') with retryAfterMs), and undefined is returned. The archive dedups the rest.
   */
  admit(draft: MessageDraft, rate: SendRate | undefined): Published | undefined;
  /**
   * Appends a message that already has its position (top.offset + 1 of the same epoch, or any position for a
   * room the broker does not hold) and publishes it; AppError('conflict') when it does not follow on. A message
   * the room already holds at that position (re-seeded from the archive) is published without appending.
   */
  publishAt(message: ChatMessage, opts: { history: HistoryOptions; dedupTtlMs: number }): Promise<void>;
  /** Loads a room's epoch and last messages (oldest first) from the archive, replacing what it holds. */
  seed(room: string, epoch: string, messages: ChatMessage[], lastOffset: number): Promise<void>;
}
