/**
 * The send pipeline as domain rules: validate -> authorise -> moderation checks -> rate limit ->
 * duplicate short-cut -> MessageLog.commit. No I/O of its own: everything goes through the seams.
 */
import { Limits, type ChatMessage, type Position } from '@lightstick/protocol';
import { AppError } from '../errors.ts';
import { isPriorityRole } from '../auth/guards.ts';
import type { Principal } from '../auth/principal.ts';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.ts';
import type { Runtime } from '../runtime.ts';
import type { MessageDraft, Store } from '../storage/repositories.ts';
import type { MessageLog } from './message-log.ts';
import { ReceiveTimes } from './receive-times.ts';
import { RoomAccess, type RoomGrant } from './room-access.ts';
import { normaliseText, validateClientId } from './text.ts';

/** What the caller (a connection) knows about the sender. */
export interface SendContext {
  principal: Principal;
  /** Whether this connection has joined the room: sending needs a join first. */
  isJoined(room: string): boolean;
  /** Monotonic ms (performance.now()) when the frame arrived, for the deliver-latency metric. */
  receivedAt?: number;
}

export interface SendInput {
  room: string;
  cid: string;
  text: string;
}

/** The ack fields. */
export interface SendResult {
  room: string;
  cid: string;
  mid: string;
  pos: Position;
  duplicate: boolean;
  message: ChatMessage;
}

export interface SendCheckInput extends RoomGrant {
  principal: Principal;
  text: string;
  cid: string;
  now: number;
}

/**
 * One moderation rule. Throws an AppError to refuse the send. Checks run in list order after the room
 * guards and before the rate limit; bans, timeouts, slow mode, members-only and the word filter plug in here.
 */
export interface SendCheck {
  name: string;
  check(input: SendCheckInput): void | Promise<void>;
}

export interface SendLimits {
  maxMessageChars: number;
  maxMessageBytes: number;
  maxClientIdChars: number;
  sendsPerSecond: number;
  sendBurst: number;
}

/** Artists and staff talk to thousands at once during a live: their bucket is this many times larger. */
const PRIORITY_FACTOR = 20;

export interface SendServiceDeps {
  store: Pick<Store, 'rooms' | 'communities' | 'messages'>;
  rateLimiter: RateLimiter;
  messageLog: MessageLog;
  runtime: Runtime;
  limits?: Partial<SendLimits>;
  /** Moderation checks, in order (none yet). */
  checks?: SendCheck[];
}

export class SendService {
  /** Receive times by message id, read by the gateway's outbox. */
  readonly receiveTimes = new ReceiveTimes();
  private readonly limits: SendLimits;
  private readonly access: RoomAccess;
  private readonly checks: SendCheck[];
  private readonly fanRule: RateRule;
  private readonly priorityRule: RateRule;

  constructor(private readonly deps: SendServiceDeps) {
    this.limits = { ...Limits, ...deps.limits };
    this.access = new RoomAccess(deps.store);
    this.checks = deps.checks ?? [];
    this.fanRule = { ratePerSecond: this.limits.sendsPerSecond, burst: this.limits.sendBurst };
    this.priorityRule = {
      ratePerSecond: this.limits.sendsPerSecond * PRIORITY_FACTOR,
      burst: this.limits.sendBurst * PRIORITY_FACTOR,
    };
  }

  async send(ctx: SendContext, input: SendInput): Promise<SendResult> {
    const text = normaliseText(input.text, this.limits);
    const cid = validateClientId(input.cid, this.limits);
    const { principal } = ctx;

    const grant = await this.access.send(principal, input.room);
    if (!ctx.isJoined(input.room)) throw new AppError('not_joined', 'Join the room before sending to it');
    const now = this.deps.runtime.now();
    for (const c of this.checks) await c.check({ ...grant, principal, text, cid, now });

    const priority = isPriorityRole(grant.role);
    const key = `send:${priority ? 'p:' : ''}${principal.userId}`;
    const decision = await this.deps.rateLimiter.consume(key, priority ? this.priorityRule : this.fanRule);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Sending too fast', { retryAfterMs: decision.retryAfterMs });
    }

    const stored = await this.deps.store.messages.byClientId(input.room, principal.userId, cid);
    if (stored !== undefined) return result(stored, true);

    const draft: MessageDraft = {
      id: this.deps.runtime.id(),
      room: input.room,
      cid,
      user: { id: principal.userId, name: principal.name, displayName: principal.displayName },
      role: grant.role,
      priority,
      text,
      ts: now,
    };
    if (ctx.receivedAt !== undefined) this.receiveTimes.set(draft.id, ctx.receivedAt);
    const { message, duplicate } = await this.deps.messageLog.commit(draft);
    if (duplicate) this.receiveTimes.take(draft.id);
    return result(message, duplicate);
  }
}

function result(message: ChatMessage, duplicate: boolean): SendResult {
  return { room: message.room, cid: message.cid, mid: message.id, pos: message.pos, duplicate, message };
}
